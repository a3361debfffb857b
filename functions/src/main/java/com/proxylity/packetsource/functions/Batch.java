package com.proxylity.packetsource.functions;

import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.functions.model.Batches;
import com.proxylity.packetsource.functions.model.EgressBatch;
import com.proxylity.packetsource.functions.model.ItemIdentifier;
import com.proxylity.packetsource.functions.model.Packet;
import com.proxylity.packetsource.functions.model.Packets;
import com.proxylity.packetsource.functions.runtime.Environment;
import com.proxylity.packetsource.functions.runtime.PipelineMetrics;
import com.proxylity.packetsource.functions.runtime.StageHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groups ready packets per Listener and sender endpoint into egress batches, bounded in count
 * and bytes, keeping each Listener's packets in their original order. Each batch names the SQS
 * records it carries, so a batch that cannot be delivered fails exactly those records.
 */
public final class Batch extends StageHandler<Packets, Batches> {
    /** Packets per egress request: bounds the sender's work per request and the Egress timeout. */
    public static final int DEFAULT_MAX_PACKETS = 256;
    /**
     * Payload characters (base64) per egress batch. The egress API takes 1 MiB bodies; a Map item
     * must also stay well inside the 256 KiB state limit, and smaller batches run in parallel.
     */
    public static final int DEFAULT_MAX_PAYLOAD_CHARS = 96 * 1024;

    private final Registry registry;
    private final PipelineMetrics metrics;
    private final int maxPackets;
    private final int maxPayloadChars;

    public Batch() {
        this(Environment.registry(), PipelineMetrics.fromEnvironment(), DEFAULT_MAX_PACKETS, DEFAULT_MAX_PAYLOAD_CHARS);
    }

    public Batch(Registry registry, PipelineMetrics metrics, int maxPackets, int maxPayloadChars) {
        super(Packets.class);
        if (maxPackets < 1 || maxPayloadChars < 1) throw new IllegalArgumentException("batch bounds must be positive");
        this.registry = registry;
        this.metrics = metrics;
        this.maxPackets = maxPackets;
        this.maxPayloadChars = maxPayloadChars;
    }

    private record Key(String listener, String endpoint) {}

    @Override
    public Batches handle(Packets input) {
        Map<Key, List<Packet>> groups = new LinkedHashMap<>();
        Map<String, String> endpoints = new LinkedHashMap<>();
        for (Packet p : input.packets()) {
            String endpoint = endpoints.computeIfAbsent(p.listener(), this::endpointOf);
            groups.computeIfAbsent(new Key(p.listener(), endpoint), k -> new ArrayList<>()).add(p);
        }
        List<EgressBatch> out = new ArrayList<>();
        PipelineMetrics.Tally tally = metrics.tally();
        for (Map.Entry<Key, List<Packet>> g : groups.entrySet()) {
            List<Packet> current = new ArrayList<>();
            int chars = 0;
            for (Packet p : g.getValue()) {
                int size = p.payload() == null ? 0 : p.payload().length();
                if (!current.isEmpty() && (current.size() >= maxPackets || chars + size > maxPayloadChars)) {
                    out.add(batchOf(g.getKey(), current));
                    current = new ArrayList<>();
                    chars = 0;
                }
                current.add(p);
                chars += size;
            }
            if (!current.isEmpty()) out.add(batchOf(g.getKey(), current));
        }
        for (EgressBatch b : out) tally.sample(PipelineMetrics.EGRESS_BATCH_SIZE, b.packets().size());
        tally.flush();
        return new Batches(out);
    }

    private static EgressBatch batchOf(Key key, List<Packet> packets) {
        Set<String> records = new LinkedHashSet<>();
        for (Packet p : packets) records.add(p.messageId());
        return new EgressBatch(key.listener(), key.endpoint(), List.copyOf(packets),
                records.stream().map(ItemIdentifier::new).toList());
    }

    /**
     * A Listener that vanished from the registry between Validate and here is a deployment
     * problem, not a bad message: fail the execution so the records are retried, and after the
     * queue's max receives kept intact in the DLQ until the registry is fixed.
     */
    private String endpointOf(String listener) {
        Listener l = registry.listener(listener)
                .orElseThrow(() -> new IllegalStateException("Listener not in the registry: " + listener));
        if (l.senderEndpoint() == null || l.senderEndpoint().isBlank()) {
            throw new IllegalStateException("Listener has no sender endpoint: " + listener);
        }
        return l.senderEndpoint();
    }
}
