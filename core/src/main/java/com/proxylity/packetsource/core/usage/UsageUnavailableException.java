package com.proxylity.packetsource.core.usage;

/** A usage write that did not happen; the handler's state retries it (docs/usage.md, "Billing rule per retry path"). */
public final class UsageUnavailableException extends RuntimeException {
    public UsageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
