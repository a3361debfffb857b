package com.proxylity.packetsource.functions;

/**
 * A dependency (registry, session directory, SNS) failed in a way worth retrying. Its class name
 * is the Lambda errorType the state machine's Retry matches.
 */
public class TransientException extends RuntimeException {
    public TransientException(String message, Throwable cause) {
        super(message, cause);
    }
}
