package com.proxylity.packetsource.core.snsauth;

import java.security.cert.X509Certificate;

/**
 * Where the certificate named by an envelope's {@code SigningCertURL} comes from, and whether it
 * is trusted. In production it is fetched and its chain validated ({@code functions.snsauth});
 * local mode and tests pin certificates by URL ({@link PinnedSigningCertificates}).
 */
public interface SigningCertificateSource {
    /**
     * @return the trusted certificate for this URL
     * @throws BadSignatureException the URL or the certificate is not trusted: a discard
     * @throws SigningCertificateUnavailableException only when the certificate could not be
     *     fetched for now (timeout, unreachable, 5xx): the caller retries the batch
     */
    X509Certificate certificate(String signingCertUrl) throws BadSignatureException;

    /** A view for one batch; implementations that bound their work per invocation count here. */
    default SigningCertificateSource forBatch() {
        return this;
    }
}
