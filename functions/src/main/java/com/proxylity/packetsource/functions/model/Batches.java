package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.pipeline.Discard;
import java.util.List;

/**
 * Output of LookupSessions: the Map's items. The state keeps {@code Batches} only (its
 * ResultSelector); {@code Discards} (the packets without a live session) are counted where they
 * are made and reported for tests and local mode.
 */
public record Batches(@JsonProperty("Batches") List<EgressBatch> batches,
                      @JsonProperty("Discards") List<Discard> discards) {
    public Batches {
        batches = batches == null ? List.of() : batches;
        discards = discards == null ? List.of() : discards;
    }
}
