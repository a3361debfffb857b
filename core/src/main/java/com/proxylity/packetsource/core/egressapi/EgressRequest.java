package com.proxylity.packetsource.core.egressapi;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Body of {@code POST /v1/egress}: packets for one Listener, answered in the same order. */
public record EgressRequest(
        @JsonProperty("Listener") String listener,
        @JsonProperty("Packets") List<EgressPacket> packets) {
    public EgressRequest {
        packets = packets == null ? List.of() : List.copyOf(packets);
    }
}
