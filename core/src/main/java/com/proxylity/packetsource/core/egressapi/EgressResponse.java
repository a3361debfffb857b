package com.proxylity.packetsource.core.egressapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Body of a 200 answer: one result per request packet, in request order.
 *
 * @param repeated indexes (into the request's segments) of the segments answered with the outcome
 *     they got in an earlier run (another execution): sent then, not now, and already counted by
 *     the Egress that got that answer, unless it never got it (docs/pipeline.md)
 */
public record EgressResponse(@JsonProperty("Results") List<EgressResult> results,
                             @JsonProperty("Repeated") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Integer> repeated) {
    public EgressResponse {
        results = results == null ? List.of() : List.copyOf(results);
        repeated = repeated == null ? List.of() : List.copyOf(repeated);
    }

    public EgressResponse(List<EgressResult> results) {
        this(results, List.of());
    }
}
