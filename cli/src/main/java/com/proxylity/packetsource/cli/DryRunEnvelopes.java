package com.proxylity.packetsource.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.snsauth.EnvelopeVerifier;

/**
 * The dry run checks what a publisher is about to send, offline: it never has SNS's signature
 * and fetches nothing, so it takes every envelope as signed. Only the dry run may use this; the
 * pipeline always verifies (docs/dry-run.md).
 */
final class DryRunEnvelopes implements EnvelopeVerifier {
    static final DryRunEnvelopes INSTANCE = new DryRunEnvelopes();

    private DryRunEnvelopes() {}

    @Override
    public void verify(JsonNode envelope) {
        // Deliberately nothing: see the class comment.
    }
}
