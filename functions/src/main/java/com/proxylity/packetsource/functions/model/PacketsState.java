package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import java.util.List;
import java.util.Map;

/**
 * Output of Validate, input of LookupSessions. The state keeps Packets, PublishedAt and
 * Redelivered (Validate's ResultSelector drops Discards: they are counted where they are made,
 * and reported for tests and local mode).
 *
 * @param discards every discard Validate made, its own and Format's, one per entry or message
 * @param publishedAt SNS Timestamp (epoch millis) per SQS messageId that produced entries, for
 *     the publish-to-egress latency metric at Egress
 * @param redelivered SQS messageIds with entries that SQS delivered before (ApproximateReceiveCount
 *     above 1): their entries were counted as received, and their discards counted, on the first
 *     receive, so LookupSessions does not count them again (docs/pipeline.md, "Metrics under retries")
 * @param sources per SQS messageId with packets, whom its usage is counted for
 *     ({@code UsageSource.wire()}: customer and short source id, docs/usage.md)
 * @param outcomes the outcomes of sources with an outcome topic, for PublishOutcomes
 */
public record PacketsState(@JsonProperty("Packets") List<ReadyPacket> packets,
                           @JsonProperty("Discards") List<Discard> discards,
                           @JsonProperty("PublishedAt") Map<String, Long> publishedAt,
                           @JsonProperty("Redelivered") List<String> redelivered,
                           @JsonProperty("Sources") Map<String, String> sources,
                           @JsonProperty("Outcomes") OutcomeState outcomes) {
    public PacketsState(List<ReadyPacket> packets, List<Discard> discards, Map<String, Long> publishedAt,
                        List<String> redelivered, Map<String, String> sources) {
        this(packets, discards, publishedAt, redelivered, sources, OutcomeState.none());
    }

    public PacketsState(List<ReadyPacket> packets, List<Discard> discards, Map<String, Long> publishedAt) {
        this(packets, discards, publishedAt, List.of(), Map.of());
    }

    public PacketsState(List<ReadyPacket> packets, List<Discard> discards, Map<String, Long> publishedAt,
                        List<String> redelivered) {
        this(packets, discards, publishedAt, redelivered, Map.of());
    }

    public PacketsState {
        packets = packets == null ? List.of() : packets;
        discards = discards == null ? List.of() : discards;
        publishedAt = publishedAt == null ? Map.of() : publishedAt;
        redelivered = redelivered == null ? List.of() : redelivered;
        sources = sources == null ? Map.of() : sources;
        outcomes = outcomes == null ? OutcomeState.none() : outcomes;
    }
}
