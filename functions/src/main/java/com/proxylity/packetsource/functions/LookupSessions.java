package com.proxylity.packetsource.functions;

import com.proxylity.packetsource.core.pipeline.BatchStage;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.EntryId;
import com.proxylity.packetsource.core.pipeline.LookupSessionsStage;
import com.proxylity.packetsource.core.pipeline.PacketBatch;
import com.proxylity.packetsource.core.pipeline.PacketsOutput;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.model.Batches;
import com.proxylity.packetsource.functions.model.EgressBatch;
import com.proxylity.packetsource.functions.model.ItemIdentifier;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.functions.state.StageHandler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Second state: the packets Validate made ready to egress batches. WireGuard packets without a
 * live session on their own Listener are discarded ({@code NoSession}, {@code SessionExpired};
 * core {@link LookupSessionsStage}, which never takes a record of another Listener; the DynamoDB
 * directory splits each read into BatchGetItem requests of at most 100 keys). The sender checks
 * again when it seals; this saves the egress round trip for packets that cannot go. The packets
 * kept are grouped per Listener into batches bounded in count and bytes (core
 * {@link BatchStage}), each addressed to the Listener's sender endpoint and naming the SQS
 * records it carries, so a batch that cannot be delivered fails exactly those records. Batching
 * is pure apart from the (cached) registry read, so it runs here rather than as a state of its
 * own (docs/latency.md, proposal 2).
 */
public final class LookupSessions extends StageHandler<PacketsState, Batches> {
    private final LookupSessionsStage stage;
    private final BatchStage batching = new BatchStage();
    private final Registry registry;
    private final PipelineMetrics metrics;

    public LookupSessions() {
        this(Environment.sessionDirectory(), Environment.registry(), Clock.systemUTC(), Environment.pipelineMetrics());
    }

    public LookupSessions(SessionDirectory sessions, Registry registry, Clock clock, PipelineMetrics metrics) {
        super(PacketsState.class);
        this.stage = new LookupSessionsStage(sessions, clock);
        this.registry = registry;
        this.metrics = metrics;
    }

    @Override
    public Batches handle(PacketsState input) {
        PacketsOutput out;
        try {
            out = stage.lookup(input.packets());
        } catch (RuntimeException e) {
            throw new TransientException("session directory lookup failed", e);
        }
        // Everything that can throw comes before the tally is flushed: a retried invocation has counted nothing.
        PipelineMetrics.Tally tally = metrics.tally();
        List<EgressBatch> batches = batch(out.packets(), input.publishedAt(), tally);
        Set<String> again = Set.copyOf(input.redelivered());
        for (Discard d : out.discards()) {
            if (!again.contains(EntryId.messageIdOf(d.id()))) tally.discard(d.reason());
        }
        tally.flush();
        return new Batches(batches, out.discards());
    }

    private List<EgressBatch> batch(List<ReadyPacket> packets, Map<String, Long> publishedAtByMessage,
                                    PipelineMetrics.Tally tally) {
        Map<String, String> endpoints = new HashMap<>();
        List<EgressBatch> out = new ArrayList<>();
        for (PacketBatch b : batching.batch(packets)) {
            String endpoint = endpoints.computeIfAbsent(b.listener(), this::endpointOf);
            Set<String> records = new LinkedHashSet<>();
            Map<String, Long> publishedAt = new LinkedHashMap<>();
            for (ReadyPacket p : b.packets()) {
                String m = EntryId.messageIdOf(p.id());
                records.add(m);
                Long t = publishedAtByMessage.get(m);
                if (t != null) publishedAt.put(m, t);
            }
            out.add(new EgressBatch(b.listener(), endpoint, b.packets(),
                    records.stream().map(ItemIdentifier::new).toList(), publishedAt));
            tally.sample(PipelineMetrics.EGRESS_BATCH_SIZE, b.packets().size());
        }
        return out;
    }

    /**
     * The registry failing is transient (retried as the session directory is). A Listener
     * missing from it, or without a sender endpoint, is a deployment problem, not a bad message:
     * it is not retried here, and failing the execution keeps the records (retried by SQS, then
     * intact in the DLQ) until it is fixed.
     */
    private String endpointOf(String listener) {
        Optional<Listener> found;
        try {
            found = registry.listener(listener);
        } catch (RuntimeException e) {
            throw new TransientException("registry lookup failed", e);
        }
        Listener l = found.orElseThrow(() -> new IllegalStateException("Listener not in the registry: " + listener));
        if (l.senderEndpoint() == null || l.senderEndpoint().isBlank()) {
            throw new IllegalStateException("Listener has no sender endpoint: " + listener);
        }
        return l.senderEndpoint();
    }
}
