package com.proxylity.packetsource.core.contract;

/**
 * A whole message that cannot be read: becomes one {@link DiscardReason#MalformedMessage}. The
 * message text says what is wrong and never quotes payload bytes or keys.
 */
public final class MalformedMessageException extends Exception {
    public MalformedMessageException(String detail) {
        super(detail, null, false, false);
    }
}
