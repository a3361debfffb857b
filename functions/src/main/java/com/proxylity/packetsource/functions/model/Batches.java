package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Output of Batch: the Map's items. */
public record Batches(@JsonProperty("Batches") List<EgressBatch> batches) {
    public Batches {
        batches = batches == null ? List.of() : batches;
    }
}
