package com.proxylity.packetsource.core.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Packets for one Listener, in entry order: one item of the Map(Egress) state, one egress API call. */
public record PacketBatch(@JsonProperty("Listener") String listener,
                          @JsonProperty("Packets") List<ReadyPacket> packets) {
    public PacketBatch {
        packets = List.copyOf(packets);
    }
}
