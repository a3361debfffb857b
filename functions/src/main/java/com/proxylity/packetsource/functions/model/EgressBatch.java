package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One Map item: packets for one Listener on one sender endpoint, and the SQS records they came
 * from (already in the Pipe's failure shape, so the failure path needs no Lambda to build it).
 */
public record EgressBatch(@JsonProperty("Listener") String listener,
                          @JsonProperty("Endpoint") String endpoint,
                          @JsonProperty("Packets") List<Packet> packets,
                          @JsonProperty("Records") List<ItemIdentifier> records) {
}
