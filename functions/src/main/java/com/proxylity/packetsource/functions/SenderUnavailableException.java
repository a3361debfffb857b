package com.proxylity.packetsource.functions;

/**
 * The sender could not take the batch: unreachable, timed out, 5xx, 429 or 401 (a key rotation
 * in progress looks like this). Retried by the state machine; after the retries the batch's SQS
 * records are reported failed, so SQS redelivers them and, after maxReceiveCount, the DLQ keeps
 * them intact. Never thrown for a per-packet discard.
 */
public final class SenderUnavailableException extends RuntimeException {
    public SenderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
