package com.proxylity.packetsource.functions;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.egressapi.BatchIdentity;
import com.proxylity.packetsource.core.egressapi.EgressSegment;
import com.proxylity.packetsource.core.egressapi.EgressOutcome;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.core.outcomes.SourceOutcomes;
import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.EntryId;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.core.pipeline.RoutedPacket;
import com.proxylity.packetsource.core.usage.UsageCounts;
import com.proxylity.packetsource.core.usage.UsageSource;
import com.proxylity.packetsource.core.usage.UsageStore;
import com.proxylity.packetsource.core.usage.UsageTally;
import com.proxylity.packetsource.core.usage.UsageUnavailableException;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.egressclient.EgressTransport;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.model.EgressBatch;
import com.proxylity.packetsource.functions.model.EgressStateResult;
import com.proxylity.packetsource.functions.model.ItemIdentifier;
import com.proxylity.packetsource.functions.state.StageHandler;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The Map's one state: hands a batch to the sender that owns its Listener and counts what
 * happened to each packet. Per-packet discards from the sender ({@code NoSession},
 * {@code SendError}, ...) are outcomes, never failures. It throws only when the sender did not
 * take the batch ({@link SenderUnavailableException}, {@link EgressRejectedException}); the
 * state machine retries, then reports the batch's records failed.
 */
public final class Egress extends StageHandler<EgressBatch, EgressStateResult> {
    private static final Logger LOG = LogManager.getLogger(Egress.class);
    /**
     * A post's worst case: the egress client's connect and read timeouts, twice (the JDK may send
     * a POST again on a stale connection), with room to answer.
     */
    static final long POST_RESERVE_MILLIS = 30_000;

    private final EgressTransport transport;
    private final Clock clock;
    private final PipelineMetrics metrics;
    private final HandoverWait handover;
    private final UsageStore usage;

    public Egress() {
        this(Environment.egressTransport(), Clock.systemUTC(), Environment.pipelineMetrics(),
                Environment.taskDirectory().map(t -> new HandoverWait(Environment.sessionDirectory(), t, Clock.systemUTC()))
                        .orElse(null), Environment.usageStore());
    }

    public Egress(EgressTransport transport, Clock clock, PipelineMetrics metrics) {
        this(transport, clock, metrics, null);
    }

    /** @param handover waits for the new owners of held batches (owner routing); null: one sender per Listener */
    public Egress(EgressTransport transport, Clock clock, PipelineMetrics metrics, HandoverWait handover) {
        this(transport, clock, metrics, handover, UsageStore.NONE);
    }

    /** @param usage where each source's delivered packets and bytes and the discards made here are added (docs/usage.md) */
    public Egress(EgressTransport transport, Clock clock, PipelineMetrics metrics, HandoverWait handover, UsageStore usage) {
        super(EgressBatch.class);
        this.transport = transport;
        this.clock = clock;
        this.metrics = metrics;
        this.handover = handover;
        this.usage = usage;
    }

    @Override
    public EgressStateResult handle(EgressBatch batch) {
        UsageTally usageTally = new UsageTally();
        if (!batch.held()) return post(batch, usageTally, true);
        EgressStateResult result = held(batch, usageTally);
        writeUsage(usageTally);
        return result;
    }

    private void writeUsage(UsageTally usageTally) {
        try {
            usage.add(usageTally.nonEmpty());
        } catch (UsageUnavailableException e) {
            // Retried by the state as the same run: the sender answers the retry as new, so it counts the same again.
            throw new SenderUnavailableException("usage write failed: " + e.getMessage(), e);
        }
    }

    private static UsageCounts counts(UsageTally t, EgressBatch batch, String packetId, long now) {
        String m = EntryId.messageIdOf(packetId);
        return t.at(UsageSource.parse(batch.sources().get(m)), batch.publishedAt().getOrDefault(m, now));
    }

    /**
     * A held batch: wait for each packet's new owner, then post per owner as LookupSessions would
     * have. A post that fails fails only its own records (SQS brings them back), so what the
     * other owners sent is not sent again by a retry of this state.
     */
    private EgressStateResult held(EgressBatch batch, UsageTally usageTally) {
        if (handover == null) throw new IllegalStateException("a held batch needs owner routing");
        // What is left of the invocation for the posts: an owner whose post would run past the
        // function's timeout fails its records instead (SQS brings them back), so a timeout never
        // makes the state retry posts that were answered.
        long lastPostBy = clock.millis() + DeploymentNumbers.EGRESS_TIMEOUT_SECONDS * 1000L - POST_RESERVE_MILLIS;
        HandoverWait.Resolved r = handover.resolve(batch.packets(), Instant.ofEpochMilli(batch.holdUntil()));
        Map<String, List<ReadyPacket>> byOwner = new LinkedHashMap<>();
        Map<String, String> endpoints = new HashMap<>();
        for (RoutedPacket p : r.routed()) {
            byOwner.computeIfAbsent(p.task().id(), k -> new ArrayList<>()).add(p.packet());
            endpoints.put(p.task().id(), p.task().endpoint());
        }
        List<ItemIdentifier> failed = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        List<Discard> discards = new ArrayList<>(r.discards());
        Map<String, SourceOutcomes.Builder> outcomes = new LinkedHashMap<>();
        PipelineMetrics.Tally tally = metrics.tally();
        for (Discard d : r.discards()) tally.discard(d.reason()).explain(d, null, batch.listener());
        tally.flush();
        byOwner.forEach((owner, packets) -> {
            Set<String> records = new LinkedHashSet<>();
            for (ReadyPacket p : packets) records.add(EntryId.messageIdOf(p.id()));
            List<ItemIdentifier> ids = records.stream().map(ItemIdentifier::new).toList();
            EgressBatch toOwner = new EgressBatch(batch.listener(), endpoints.get(owner), owner, packets, ids,
                    batch.publishedAt(), batch.run(), null, batch.sources(), batch.outcomeRecords());
            // A new owner is busiest during a handover: one more try for a busy or unreachable
            // sender (the same run, so the sender answers a segment it took as its own again).
            for (int attempt = 1; ; attempt++) {
                if (clock.millis() > lastPostBy) {
                    failed.addAll(ids);
                    break;
                }
                UsageTally ownerTally = new UsageTally();
                try {
                    EgressStateResult one = post(toOwner, ownerTally, false);
                    sent.addAll(one.sent());
                    discards.addAll(one.discards());
                    one.outcomes().forEach((m, o) -> outcomes.computeIfAbsent(m, k -> new SourceOutcomes.Builder()).add(o));
                    usageTally.addAll(ownerTally);
                    break;
                } catch (SenderUnavailableException e) {
                    if (attempt == 2) {
                        failed.addAll(ids);
                        break;
                    }
                } catch (RuntimeException e) {
                    failed.addAll(ids);
                    break;
                }
            }
        });
        // A handover discard of a record that comes back (another of its packets failed) is decided again then.
        Set<String> back = new java.util.HashSet<>();
        for (ItemIdentifier i : failed) back.add(i.itemIdentifier());
        long now = clock.millis();
        for (Discard d : r.discards()) {
            if (back.contains(EntryId.messageIdOf(d.id()))) continue;
            counts(usageTally, batch, d.id(), now).discarded(d.reason());
            outcome(outcomes, batch, d.id()).ifPresent(o -> o.discarded(d));
        }
        LOG.info("handover listener={} packets={} routed={} discarded={} failedRecords={}", batch.listener(),
                batch.packets().size(), r.routed().size(), r.discards().size(), failed.size());
        return new EgressStateResult(failed, sent, discards, built(outcomes));
    }

    /** The outcome tally of the packet's record, when its source has an outcome topic. */
    private static java.util.Optional<SourceOutcomes.Builder> outcome(Map<String, SourceOutcomes.Builder> outcomes,
                                                                      EgressBatch batch, String packetId) {
        String m = EntryId.messageIdOf(packetId);
        if (!batch.outcomeRecords().contains(m)) return java.util.Optional.empty();
        return java.util.Optional.of(outcomes.computeIfAbsent(m, k -> new SourceOutcomes.Builder()));
    }

    private static Map<String, SourceOutcomes> built(Map<String, SourceOutcomes.Builder> outcomes) {
        Map<String, SourceOutcomes> out = new LinkedHashMap<>();
        outcomes.forEach((m, b) -> {
            if (!b.isEmpty()) out.put(m, b.build());
        });
        return out;
    }

    /** @param writeUsage whether to add the usage here, before the metrics are flushed (a held batch adds its owners' together) */
    private EgressStateResult post(EgressBatch batch, UsageTally usageTally, boolean writeUsage) {
        List<EgressPacket> packets = new ArrayList<>(batch.packets().size());
        for (ReadyPacket p : batch.packets()) {
            packets.add(new EgressPacket(p.id(), p.address(), p.port(), p.peerKey(), p.payload()));
        }
        PipelineMetrics.Tally tally = metrics.tally();
        EgressResponse response;
        // Each record's packets under their identity: a repeat is answered by the sender, not sent.
        List<EgressSegment> segments = BatchIdentity.segments(batch.listener(), packets);
        try {
            response = transport.post(batch.endpoint(),
                    new EgressRequest(batch.listener(), packets, null, batch.run(), segments));
        } catch (RuntimeException e) {
            tally.count(PipelineMetrics.EGRESS_FAILURES, 1).flush();
            LOG.warn("egress failed listener={} packets={} error={}", batch.listener(), packets.size(),
                    e.getClass().getSimpleName());
            throw e;
        }

        Map<String, EgressResult> byId = new HashMap<>();
        for (var r : response.results()) {
            if (r != null && r.id() != null) byId.put(r.id(), r);
        }
        Set<String> repeated = repeatedIds(packets, segments, response);
        List<String> sent = new ArrayList<>();
        List<Discard> discards = new ArrayList<>();
        Map<String, SourceOutcomes.Builder> outcomes = new LinkedHashMap<>();
        Set<String> deliveredMessages = new LinkedHashSet<>();
        int counted = 0;
        long now = clock.millis();
        for (EgressPacket p : packets) {
            var r = byId.get(p.id());
            // A repeat of another execution's segment: its outcome was counted by the Egress that got it first.
            boolean count = !repeated.contains(p.id());
            if (r == null) {
                // The sender must answer every packet; one it skipped is counted, not lost.
                Discard d = new Discard(p.id(), DiscardReason.SendError, "no result from the sender");
                discards.add(d);
                tally.discard(d.reason()).explain(d, null, batch.listener());
                counts(usageTally, batch, p.id(), now).discarded(d.reason());
                outcome(outcomes, batch, p.id()).ifPresent(o -> o.discarded(d));
            } else if (r.outcome() == EgressOutcome.Sent) {
                sent.add(p.id());
                if (count) {
                    counted++;
                    deliveredMessages.add(EntryId.messageIdOf(p.id()));
                    counts(usageTally, batch, p.id(), now).delivered(p.payload().length);
                    outcome(outcomes, batch, p.id()).ifPresent(o -> o.delivered(1));
                }
            } else {
                Discard d = new Discard(p.id(), r.reason(), "discarded by the sender");
                discards.add(d);
                if (count) {
                    tally.discard(d.reason()).explain(d, null, batch.listener());
                    counts(usageTally, batch, p.id(), now).discarded(d.reason());
                    outcome(outcomes, batch, p.id()).ifPresent(o -> o.discarded(d));
                }
            }
        }
        for (String m : deliveredMessages) {
            Long published = batch.publishedAt().get(m);
            if (published != null) tally.sample(PipelineMetrics.PUBLISH_TO_EGRESS_LATENCY, Math.max(0, now - published));
        }
        tally.count(PipelineMetrics.PACKETS_DELIVERED, counted);
        if (writeUsage) writeUsage(usageTally);
        tally.flush();
        LOG.info("egress listener={} owner={} packets={} sent={} discarded={} repeated={}", batch.listener(), batch.owner(),
                packets.size(), sent.size(), discards.size(), repeated.size());
        return new EgressStateResult(List.of(), sent, discards, built(outcomes));
    }

    /** The packet Ids of the segments the sender answered as repeats of another run; indexes it names outside the request are ignored. */
    private static Set<String> repeatedIds(List<EgressPacket> packets, List<EgressSegment> segments, EgressResponse response) {
        if (response.repeated().isEmpty()) return Set.of();
        int[] start = new int[segments.size() + 1];
        for (int s = 0; s < segments.size(); s++) start[s + 1] = start[s] + segments.get(s).packets();
        Set<String> out = new java.util.HashSet<>();
        for (Integer s : response.repeated()) {
            if (s == null || s < 0 || s >= segments.size()) continue;
            for (int i = start[s]; i < start[s + 1]; i++) out.add(packets.get(i).id());
        }
        return out;
    }
}
