package com.proxylity.packetsource.core.contract;

/**
 * Something a stage reads from the outside world (the registry, a signing certificate) could
 * not be had for now. The only exception a stage lets out: the caller retries the batch, and no
 * message caused it, so it is never a discard. Message content never throws.
 */
public class DependencyUnavailableException extends RuntimeException {
    public DependencyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
