package com.proxylity.packetsource.functions;

import com.proxylity.packetsource.core.pipeline.BatchStage;
import com.proxylity.packetsource.core.pipeline.EntryId;
import com.proxylity.packetsource.core.pipeline.PacketBatch;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.functions.model.Batches;
import com.proxylity.packetsource.functions.model.EgressBatch;
import com.proxylity.packetsource.functions.model.ItemIdentifier;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.state.StageHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fourth state: packets grouped per Listener into egress batches bounded in count and bytes (core
 * {@link BatchStage}), each addressed to the Listener's sender endpoint and naming the SQS
 * records it carries, so a batch that cannot be delivered fails exactly those records.
 */
public final class Batch extends StageHandler<PacketsState, Batches> {
    private final BatchStage stage;
    private final Registry registry;
    private final PipelineMetrics metrics;

    public Batch() {
        this(Environment.registry(), new BatchStage(), Environment.pipelineMetrics());
    }

    public Batch(Registry registry, BatchStage stage, PipelineMetrics metrics) {
        super(PacketsState.class);
        this.stage = stage;
        this.registry = registry;
        this.metrics = metrics;
    }

    @Override
    public Batches handle(PacketsState input) {
        Map<String, String> endpoints = new HashMap<>();
        List<EgressBatch> out = new ArrayList<>();
        PipelineMetrics.Tally tally = metrics.tally();
        for (PacketBatch b : stage.batch(input.packets())) {
            String endpoint = endpoints.computeIfAbsent(b.listener(), this::endpointOf);
            Set<String> records = new LinkedHashSet<>();
            Map<String, Long> publishedAt = new LinkedHashMap<>();
            for (ReadyPacket p : b.packets()) {
                String m = EntryId.messageIdOf(p.id());
                records.add(m);
                Long t = input.publishedAt().get(m);
                if (t != null) publishedAt.put(m, t);
            }
            out.add(new EgressBatch(b.listener(), endpoint, b.packets(),
                    records.stream().map(ItemIdentifier::new).toList(), publishedAt));
            tally.sample(PipelineMetrics.EGRESS_BATCH_SIZE, b.packets().size());
        }
        tally.flush();
        return new Batches(out);
    }

    /**
     * A Listener missing from the registry here is a deployment problem, not a bad message:
     * failing the execution keeps the records (retried, then intact in the DLQ) until it is fixed.
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
