package com.proxylity.packetsource.core.egressapi;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Body of a 200 answer: one result per request packet, in request order. */
public record EgressResponse(@JsonProperty("Results") List<EgressResult> results) {
    public EgressResponse {
        results = results == null ? List.of() : List.copyOf(results);
    }
}
