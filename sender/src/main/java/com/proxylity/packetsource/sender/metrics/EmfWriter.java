package com.proxylity.packetsource.sender.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.wireguard.InboundDrop;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Writes CloudWatch Embedded Metric Format documents, one JSON line each, for the sender's
 * counters. Powertools' metrics module is built around a Lambda invocation (flush at the end
 * of a handler); the sender is a long-running service that flushes on a timer, so this small
 * writer follows the EMF specification directly instead.
 */
public final class EmfWriter {
    /** Packets sent to a remote not heard from within the NLB's 120 s UDP flow window (dimension Listener). */
    public static final String SENT_OUTSIDE_FLOW_WINDOW = "SentOutsideFlowWindow";
    /** Packets of a repeated segment answered from memory, not sent again (dimension Listener). */
    public static final String REPEATS_SUPPRESSED = "RepeatsSuppressed";
    public static final String SEGMENTS_FORGOTTEN_EARLY = "SegmentsForgottenEarly";
    /** Datagrams that left in segmented sends (UDP GSO), of those counted Sent (dimension Listener). */
    public static final String SENT_SEGMENTED = "SentSegmented";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String namespace;
    private final String service;
    private final LongSupplier clock;
    private volatile PrintStream out;

    public EmfWriter(String namespace, String service, PrintStream out, LongSupplier epochMillis) {
        this.namespace = namespace;
        this.service = service;
        this.out = out;
        this.clock = epochMillis;
    }

    /** Emits and resets the interval's figures of one Listener; silent when nothing happened. */
    public void flush(SenderMetrics m) {
        long now = clock.getAsLong();
        Map<String, Object> values = new LinkedHashMap<>();
        long sent = m.sent.sumThenReset();
        long dropped = m.inboundDropped.sumThenReset();
        long wg = m.inboundWireGuard.sumThenReset();
        long outside = m.outsideFlowWindow.sumThenReset();
        long repeats = m.repeatsSuppressed.sumThenReset();
        long forgotten = m.segmentsForgottenEarly.sumThenReset();
        long segmented = m.sentSegmented.sumThenReset();
        List<Double> batches = m.drainBatchSizes();
        List<Double> latencies = m.drainSendLatencies();
        List<Map<String, String>> defs = new ArrayList<>();
        if (sent > 0) { values.put("Sent", sent); defs.add(def("Sent", "Count")); }
        if (dropped > 0) { values.put("InboundDropped", dropped); defs.add(def("InboundDropped", "Count")); }
        if (wg > 0) { values.put("InboundWireGuard", wg); defs.add(def("InboundWireGuard", "Count")); }
        if (outside > 0) { values.put(SENT_OUTSIDE_FLOW_WINDOW, outside); defs.add(def(SENT_OUTSIDE_FLOW_WINDOW, "Count")); }
        if (repeats > 0) { values.put(REPEATS_SUPPRESSED, repeats); defs.add(def(REPEATS_SUPPRESSED, "Count")); }
        if (forgotten > 0) { values.put(SEGMENTS_FORGOTTEN_EARLY, forgotten); defs.add(def(SEGMENTS_FORGOTTEN_EARLY, "Count")); }
        if (segmented > 0) { values.put(SENT_SEGMENTED, segmented); defs.add(def(SENT_SEGMENTED, "Count")); }
        if (!batches.isEmpty()) { values.put("BatchSize", batches); defs.add(def("BatchSize", "Count")); }
        if (!latencies.isEmpty()) { values.put("SendLatency", latencies); defs.add(def("SendLatency", "Microseconds")); }
        if (!defs.isEmpty()) {
            emit(now, List.of(List.of("Service", "Listener")), Map.of("Listener", m.listener), defs, values);
        }
        for (InboundDrop d : InboundDrop.values()) {
            long n = m.inboundRejected.get(d).sumThenReset();
            if (n == 0) continue;
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("InboundRejected", n);
            emit(now, List.of(List.of("Service", "Listener", "InboundDrop")),
                    Map.of("Listener", m.listener, "InboundDrop", d.name()), List.of(def("InboundRejected", "Count")), v);
        }
        for (DiscardReason r : DiscardReason.values()) {
            long n = m.discarded.get(r).sumThenReset();
            if (n == 0) continue;
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("Discarded", n);
            emit(now, List.of(List.of("Service", "Reason"), List.of("Service", "Listener", "Reason")),
                    Map.of("Listener", m.listener, "Reason", r.name()), List.of(def("Discarded", "Count")), v);
        }
    }

    /** One line per reason with {@code EgressRejected}, dimensions [Service, Reason]; silent when none. */
    public void flush(ApiMetrics m) {
        long now = clock.getAsLong();
        m.drain().forEach((reason, n) -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("EgressRejected", n);
            emit(now, List.of(List.of("Service", "Reason")), Map.of("Reason", reason),
                    List.of(def("EgressRejected", "Count")), v);
        });
    }

    private static Map<String, String> def(String name, String unit) {
        return Map.of("Name", name, "Unit", unit);
    }

    private void emit(long now, List<List<String>> dimensions, Map<String, String> dimValues,
                      List<Map<String, String>> defs, Map<String, Object> values) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("_aws", Map.of("Timestamp", now, "CloudWatchMetrics",
                List.of(Map.of("Namespace", namespace, "Dimensions", dimensions, "Metrics", defs))));
        doc.put("Service", service);
        doc.putAll(dimValues);
        doc.putAll(values);
        try {
            String line = MAPPER.writeValueAsString(doc);
            PrintStream o = out;
            synchronized (o) {
                o.println(line);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
