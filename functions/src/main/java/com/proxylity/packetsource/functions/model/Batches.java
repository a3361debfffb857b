package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.pipeline.Discard;
import java.util.List;

/**
 * Output of LookupSessions: the Map's items. The state keeps {@code Batches} only (its
 * ResultSelector); {@code Discards} (the packets without a live session) are counted where they
 * are made and reported for tests and local mode. {@code Outcomes} (kept) is Validate's with
 * this state's discards added, for PublishOutcomes.
 */
public record Batches(@JsonProperty("Batches") List<EgressBatch> batches,
                      @JsonProperty("Discards") List<Discard> discards,
                      @JsonProperty("Outcomes") OutcomeState outcomes) {
    public Batches {
        batches = batches == null ? List.of() : batches;
        discards = discards == null ? List.of() : discards;
        outcomes = outcomes == null ? OutcomeState.none() : outcomes;
    }

    public Batches(List<EgressBatch> batches, List<Discard> discards) {
        this(batches, discards, OutcomeState.none());
    }
}
