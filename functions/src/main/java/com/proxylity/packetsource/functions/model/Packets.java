package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Output of Format and LookupSessions (and input of LookupSessions and Batch). */
public record Packets(@JsonProperty("Packets") List<Packet> packets,
                      @JsonProperty("Discards") List<Discard> discards) {
    public Packets {
        packets = packets == null ? List.of() : packets;
        discards = discards == null ? List.of() : discards;
    }
}
