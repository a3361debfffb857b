package com.proxylity.packetsource.functions;

import com.proxylity.packetsource.core.pipeline.BatchStage;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.EntryId;
import com.proxylity.packetsource.core.pipeline.HeldPacket;
import com.proxylity.packetsource.core.pipeline.LookupSessionsStage;
import com.proxylity.packetsource.core.pipeline.PacketBatch;
import com.proxylity.packetsource.core.pipeline.PacketsOutput;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.core.pipeline.RoutedOutput;
import com.proxylity.packetsource.core.pipeline.RoutedPacket;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.session.SenderTask;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.session.TaskDirectory;
import com.proxylity.packetsource.core.usage.UsageSource;
import com.proxylity.packetsource.core.usage.UsageStore;
import com.proxylity.packetsource.core.usage.UsageTally;
import com.proxylity.packetsource.core.usage.UsageUnavailableException;
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
 *
 * <p>With a task directory (several sender tasks per Listener, {@code
 * PACKET_SOURCE_OWNER_ROUTING=on}) each packet goes to the live task that holds its session or
 * flow, and each batch to that task's own endpoint from its heartbeat; the registry's
 * SenderEndpoint is not used (docs/architecture.md#owner-routing).
 */
public final class LookupSessions extends StageHandler<PacketsState, Batches> {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final LookupSessionsStage stage;
    private final BatchStage batching = new BatchStage();
    private final Registry registry;
    private final PipelineMetrics metrics;
    private final TaskDirectory tasks;
    private final Clock clock;
    private final UsageStore usage;

    public LookupSessions() {
        this(Environment.sessionDirectory(), Environment.registry(), Clock.systemUTC(), Environment.pipelineMetrics(),
                Environment.taskDirectory().orElse(null), Environment.usageStore());
    }

    public LookupSessions(SessionDirectory sessions, Registry registry, Clock clock, PipelineMetrics metrics) {
        this(sessions, registry, clock, metrics, null);
    }

    /** @param tasks the sender tasks' heartbeats; null: one sender per Listener, at its registry SenderEndpoint */
    public LookupSessions(SessionDirectory sessions, Registry registry, Clock clock, PipelineMetrics metrics,
                          TaskDirectory tasks) {
        this(sessions, registry, clock, metrics, tasks, UsageStore.NONE);
    }

    /** @param usage where each source's discards made here are added (docs/usage.md) */
    public LookupSessions(SessionDirectory sessions, Registry registry, Clock clock, PipelineMetrics metrics,
                          TaskDirectory tasks, UsageStore usage) {
        super(PacketsState.class);
        this.stage = new LookupSessionsStage(sessions, clock);
        this.registry = registry;
        this.metrics = metrics;
        this.tasks = tasks;
        this.clock = clock;
        this.usage = usage;
    }

    @Override
    public Batches handle(PacketsState input) {
        // Fresh per invocation: a retry of this state made nothing yet, and the next execution
        // of a redelivered record is another run.
        String run = newRun();
        if (tasks != null) return routed(input, run);
        PacketsOutput out;
        try {
            out = stage.lookup(input.packets());
        } catch (RuntimeException e) {
            throw new TransientException("session directory lookup failed", e);
        }
        // Everything that can throw comes before the tally is flushed: a retried invocation has counted nothing.
        PipelineMetrics.Tally tally = metrics.tally();
        Map<String, String> endpoints = new HashMap<>();
        List<EgressBatch> batches = new ArrayList<>();
        for (PacketBatch b : batching.batch(out.packets())) {
            batches.add(egressBatch(b, null, endpoints.computeIfAbsent(b.listener(), this::endpointOf),
                    input, tally, run));
        }
        return finish(input, batches, out.discards(), tally);
    }

    private static String newRun() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private Batches routed(PacketsState input, String run) {
        RoutedOutput out;
        try {
            out = stage.route(input.packets(), tasks);
        } catch (LookupSessionsStage.NoLiveTaskException e) {
            throw new TransientException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new TransientException("session or task directory lookup failed", e);
        }
        PipelineMetrics.Tally tally = metrics.tally();
        // One group per (Listener, task), in first-appearance order; entry order within.
        Map<String, List<ReadyPacket>> groups = new LinkedHashMap<>();
        Map<String, SenderTask> taskOf = new HashMap<>();
        for (RoutedPacket r : out.packets()) {
            String key = r.packet().listener() + "\n" + r.task().id();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r.packet());
            taskOf.put(key, r.task());
        }
        List<EgressBatch> batches = new ArrayList<>();
        groups.forEach((key, packets) -> {
            SenderTask t = taskOf.get(key);
            for (PacketBatch b : batching.batch(packets)) {
                batches.add(egressBatch(b, t.id(), t.endpoint(), input, tally, run));
            }
        });
        // Packets whose task has just left wait in Egress for the new owner: one batch per Listener and deadline.
        Map<String, List<ReadyPacket>> held = new LinkedHashMap<>();
        Map<String, Long> until = new HashMap<>();
        for (HeldPacket h : out.held()) {
            String key = h.packet().listener() + "\n" + h.until().toEpochMilli();
            held.computeIfAbsent(key, k -> new ArrayList<>()).add(h.packet());
            until.put(key, h.until().toEpochMilli());
        }
        held.forEach((key, packets) -> {
            for (PacketBatch b : batching.batch(packets)) {
                EgressBatch e = egressBatch(b, null, null, input, tally, run);
                batches.add(new EgressBatch(e.listener(), null, null, e.packets(), e.records(), e.publishedAt(), run,
                        until.get(key), e.sources(), e.outcomeRecords()));
            }
        });
        return finish(input, batches, out.discards(), tally);
    }

    private Batches finish(PacketsState input, List<EgressBatch> batches, List<Discard> discards, PipelineMetrics.Tally tally) {
        Set<String> again = Set.copyOf(input.redelivered());
        Map<String, String> listenerOf = new HashMap<>();
        for (ReadyPacket p : input.packets()) listenerOf.put(p.id(), p.listener());
        UsageTally usageTally = new UsageTally();
        long now = clock.millis();
        for (Discard d : discards) {
            String m = EntryId.messageIdOf(d.id());
            if (!again.contains(m)) {
                tally.discard(d.reason());
                usageTally.at(UsageSource.parse(input.sources().get(m)), input.publishedAt().getOrDefault(m, now))
                        .discarded(d.reason());
            }
            // The state carries no topic past Validate (it would take from every message's share of the state budget).
            tally.explain(d, null, listenerOf.get(d.id()));
        }
        try {
            usage.add(usageTally.nonEmpty());
        } catch (UsageUnavailableException e) {
            throw new TransientException("usage write failed", e);
        }
        tally.flush();
        return new Batches(batches, discards, input.outcomes().withDiscards(discards, again));
    }

    private static EgressBatch egressBatch(PacketBatch b, String owner, String endpoint, PacketsState input,
                                           PipelineMetrics.Tally tally, String run) {
        Set<String> records = new LinkedHashSet<>();
        Map<String, Long> publishedAt = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (ReadyPacket p : b.packets()) {
            String m = EntryId.messageIdOf(p.id());
            records.add(m);
            Long t = input.publishedAt().get(m);
            if (t != null) publishedAt.put(m, t);
            String s = input.sources().get(m);
            if (s != null) sources.put(m, s);
        }
        tally.sample(PipelineMetrics.EGRESS_BATCH_SIZE, b.packets().size());
        List<String> outcomeRecords = records.stream().filter(input.outcomes().records()::containsKey).toList();
        return new EgressBatch(b.listener(), endpoint, owner, b.packets(),
                records.stream().map(ItemIdentifier::new).toList(), publishedAt, run, null, sources, outcomeRecords);
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
