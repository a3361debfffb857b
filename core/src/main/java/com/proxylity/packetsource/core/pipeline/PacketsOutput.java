package com.proxylity.packetsource.core.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Output of the Format and LookupSessions steps: packets still on their way, and discards. */
public record PacketsOutput(@JsonProperty("Packets") List<ReadyPacket> packets,
                            @JsonProperty("Discards") List<Discard> discards) {
    public PacketsOutput {
        packets = packets == null ? List.of() : List.copyOf(packets);
        discards = discards == null ? List.of() : List.copyOf(discards);
    }
}
