package com.proxylity.packetsource.core.snsauth;

/**
 * The record is not an envelope SNS signed: it becomes one
 * {@link com.proxylity.packetsource.core.contract.DiscardReason#BadSignature}, never a retry
 * (docs/architecture.md#cross-account-subscription). The detail never quotes the message,
 * token or signature.
 */
public final class BadSignatureException extends Exception {
    public BadSignatureException(String detail) {
        super(detail, null, false, false);
    }
}
