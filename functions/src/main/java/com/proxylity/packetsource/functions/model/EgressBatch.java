package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import java.util.List;
import java.util.Map;

/**
 * One Map item: packets for one Listener on one sender endpoint, and the SQS records they came
 * from, already in the Pipe's failure shape so the failure path (a Pass state) needs no Lambda.
 */
public record EgressBatch(@JsonProperty("Listener") String listener,
                          @JsonProperty("Endpoint") String endpoint,
                          @JsonProperty("Packets") List<ReadyPacket> packets,
                          @JsonProperty("Records") List<ItemIdentifier> records,
                          @JsonProperty("PublishedAt") Map<String, Long> publishedAt) {
    public EgressBatch {
        packets = packets == null ? List.of() : packets;
        records = records == null ? List.of() : records;
        publishedAt = publishedAt == null ? Map.of() : publishedAt;
    }
}
