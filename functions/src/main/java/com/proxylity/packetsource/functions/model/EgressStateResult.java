package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.outcomes.SourceOutcomes;
import java.util.List;
import java.util.Map;

/**
 * Output of the Egress Task state (one Lambda call), not the sender's per-packet
 * {@code core.egressapi.EgressResult}. The state keeps only {@code Failed}: empty when a routed
 * batch returns (one that could not be delivered makes Egress throw, and the Catch path fills
 * it); for a held batch the records of an owner whose post failed. Sent and Discards are for
 * tests and local mode, dropped by the ResultSelector. {@code Outcomes} (kept) are this batch's
 * outcomes per SQS messageId, only of the records whose source has an outcome topic
 * ({@code EgressBatch.OutcomeRecords}), counted as the metrics are (a repeat of another
 * execution's segment is not counted again).
 */
public record EgressStateResult(@JsonProperty("Failed") List<ItemIdentifier> failed,
                           @JsonProperty("Sent") List<String> sent,
                           @JsonProperty("Discards") List<Discard> discards,
                           @JsonProperty("Outcomes") Map<String, SourceOutcomes> outcomes) {
    public EgressStateResult {
        failed = failed == null ? List.of() : failed;
        sent = sent == null ? List.of() : sent;
        discards = discards == null ? List.of() : discards;
        outcomes = outcomes == null ? Map.of() : outcomes;
    }

    public EgressStateResult(List<ItemIdentifier> failed, List<String> sent, List<Discard> discards) {
        this(failed, sent, discards, Map.of());
    }
}
