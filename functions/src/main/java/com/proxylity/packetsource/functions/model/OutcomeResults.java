package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Input of PublishOutcomes: what Validate and LookupSessions decided ({@code Outcomes}) and the
 * Map's results, each Egress's outcomes of its batch (an EgressFailed result has none: its
 * records come back and are decided again).
 */
public record OutcomeResults(@JsonProperty("Outcomes") OutcomeState outcomes,
                             @JsonProperty("Results") List<EgressStateResult> results) {
    public OutcomeResults {
        outcomes = outcomes == null ? OutcomeState.none() : outcomes;
        results = results == null ? List.of() : results;
    }
}
