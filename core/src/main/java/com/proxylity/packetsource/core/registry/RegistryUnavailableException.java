package com.proxylity.packetsource.core.registry;

import com.proxylity.packetsource.core.contract.DependencyUnavailableException;

/**
 * The registry could not be read (throttled, unreachable, timed out). The one exception a
 * {@link Registry} throws: callers retry it, and nothing about the message being validated
 * caused it, so it is never a discard.
 */
public final class RegistryUnavailableException extends DependencyUnavailableException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
