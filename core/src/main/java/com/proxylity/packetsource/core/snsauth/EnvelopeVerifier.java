package com.proxylity.packetsource.core.snsauth;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Decides whether an SQS body is an envelope SNS signed, before anything in it is believed
 * (docs/architecture.md#cross-account-subscription). {@link SnsSignatureVerifier} is the one
 * implementation the pipeline uses.
 */
public interface EnvelopeVerifier {
    /**
     * @throws BadSignatureException not signed by SNS: a discard
     * @throws SigningCertificateUnavailableException the verdict could not be reached for now:
     *     the batch is retried
     */
    void verify(JsonNode envelope) throws BadSignatureException;

    /** A view for one batch (see {@link SigningCertificateSource#forBatch()}). */
    default EnvelopeVerifier forBatch() {
        return this;
    }
}
