package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import java.util.List;
import java.util.Map;

/**
 * Output of Format and LookupSessions; input of LookupSessions and Batch.
 *
 * @param redelivered as in {@link ValidateResult#redelivered()}: discards of these messages are not counted again
 */
public record PacketsState(@JsonProperty("Packets") List<ReadyPacket> packets,
                           @JsonProperty("Discards") List<Discard> discards,
                           @JsonProperty("PublishedAt") Map<String, Long> publishedAt,
                           @JsonProperty("Redelivered") List<String> redelivered) {
    public PacketsState(List<ReadyPacket> packets, List<Discard> discards, Map<String, Long> publishedAt) {
        this(packets, discards, publishedAt, List.of());
    }

    public PacketsState {
        packets = packets == null ? List.of() : packets;
        discards = discards == null ? List.of() : discards;
        publishedAt = publishedAt == null ? Map.of() : publishedAt;
        redelivered = redelivered == null ? List.of() : redelivered;
    }
}
