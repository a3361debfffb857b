package com.proxylity.packetsource.functions;

/**
 * The sender refused the request itself (400, 413, another 4xx, or an answer we cannot read):
 * retrying the same bytes now will not help, so the state machine does not retry it; the batch's
 * records are reported failed and end in the DLQ intact for an operator to look at.
 */
public final class EgressRejectedException extends RuntimeException {
    public EgressRejectedException(String message) {
        super(message);
    }
}
