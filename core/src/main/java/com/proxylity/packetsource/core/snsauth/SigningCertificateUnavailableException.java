package com.proxylity.packetsource.core.snsauth;

import com.proxylity.packetsource.core.contract.DependencyUnavailableException;

/**
 * A signing certificate could not be fetched for now (timeout, unreachable, 5xx, 429, or more
 * new certificates than one batch may fetch): nothing is decided about the envelope, and the
 * batch is retried.
 */
public final class SigningCertificateUnavailableException extends DependencyUnavailableException {
    public SigningCertificateUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
