package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import java.util.List;
import java.util.Map;

/**
 * One Map item: packets for one Listener on one sender endpoint, and the SQS records they came
 * from, already in the Pipe's failure shape so the failure path (a Pass state) needs no Lambda.
 *
 * @param owner the sender task the packets were routed to (owner routing), null with one sender
 * @param run the LookupSessions run that made the batch: every Egress attempt of this execution
 *     sends it, the next execution another (docs/architecture.md#egress-api, "Batch identity")
 * @param holdUntil epoch millis: the packets' flows or sessions are moving from a task that has
 *     just left (core {@code Handover}); Egress waits until then at most for the new owners, and
 *     the batch has no endpoint yet. Null for a routed batch.
 * @param sources per record, whom its usage is counted for ({@code UsageSource.wire()})
 * @param outcomeRecords the records whose source has an outcome topic: Egress reports their
 *     outcomes (docs/packet-sources.md, "Your own outcomes")
 */
public record EgressBatch(@JsonProperty("Listener") String listener,
                          @JsonProperty("Endpoint") String endpoint,
                          @JsonProperty("Owner") String owner,
                          @JsonProperty("Packets") List<ReadyPacket> packets,
                          @JsonProperty("Records") List<ItemIdentifier> records,
                          @JsonProperty("PublishedAt") Map<String, Long> publishedAt,
                          @JsonProperty("Run") String run,
                          @JsonProperty("HoldUntil") Long holdUntil,
                          @JsonProperty("Sources") Map<String, String> sources,
                          @JsonProperty("OutcomeRecords") List<String> outcomeRecords) {
    public EgressBatch {
        packets = packets == null ? List.of() : packets;
        records = records == null ? List.of() : records;
        publishedAt = publishedAt == null ? Map.of() : publishedAt;
        sources = sources == null ? Map.of() : sources;
        outcomeRecords = outcomeRecords == null ? List.of() : outcomeRecords;
    }

    /** A batch none of whose records' sources has an outcome topic. */
    public EgressBatch(String listener, String endpoint, String owner, List<ReadyPacket> packets,
                       List<ItemIdentifier> records, Map<String, Long> publishedAt, String run, Long holdUntil,
                       Map<String, String> sources) {
        this(listener, endpoint, owner, packets, records, publishedAt, run, holdUntil, sources, List.of());
    }

    /** A batch whose usage is counted for no one (tests of other behaviour). */
    public EgressBatch(String listener, String endpoint, String owner, List<ReadyPacket> packets,
                       List<ItemIdentifier> records, Map<String, Long> publishedAt, String run, Long holdUntil) {
        this(listener, endpoint, owner, packets, records, publishedAt, run, holdUntil, Map.of());
    }

    /** A routed batch of a run. */
    public EgressBatch(String listener, String endpoint, String owner, List<ReadyPacket> packets,
                       List<ItemIdentifier> records, Map<String, Long> publishedAt, String run) {
        this(listener, endpoint, owner, packets, records, publishedAt, run, null);
    }

    /** A batch for the Listener's one sender (no owner routing), outside any run. */
    public EgressBatch(String listener, String endpoint, List<ReadyPacket> packets, List<ItemIdentifier> records,
                       Map<String, Long> publishedAt) {
        this(listener, endpoint, null, packets, records, publishedAt, null, null);
    }

    public EgressBatch(String listener, String endpoint, String owner, List<ReadyPacket> packets,
                       List<ItemIdentifier> records, Map<String, Long> publishedAt) {
        this(listener, endpoint, owner, packets, records, publishedAt, null, null);
    }

    @JsonIgnore
    public boolean held() {
        return holdUntil != null;
    }
}
