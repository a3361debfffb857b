package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.pipeline.Discard;
import java.util.List;

/**
 * Output of the Egress Task state (one Lambda call), not the sender's per-packet
 * {@code core.egressapi.EgressResult}. The state keeps only {@code Failed}: empty when a routed
 * batch returns (one that could not be delivered makes Egress throw, and the Catch path fills
 * it); for a held batch the records of an owner whose post failed. Sent and Discards are for
 * tests and local mode, dropped by the ResultSelector.
 */
public record EgressStateResult(@JsonProperty("Failed") List<ItemIdentifier> failed,
                           @JsonProperty("Sent") List<String> sent,
                           @JsonProperty("Discards") List<Discard> discards) {
}
