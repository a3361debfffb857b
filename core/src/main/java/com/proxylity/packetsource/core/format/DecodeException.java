package com.proxylity.packetsource.core.format;

/** Data that does not decode under its formatter; becomes the {@code DecodeError} discard. */
public final class DecodeException extends Exception {
    public DecodeException(String message) {
        super(message, null, false, false);
    }
}
