package com.proxylity.packetsource.local;

import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.local.stepfunctions.LocalDiscards;
import com.proxylity.packetsource.local.stepfunctions.LocalMetrics;
import java.util.Map;
import java.util.StringJoiner;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The one-line live summary of local mode, from the handlers' own metrics and the queues. */
public final class Summary {
    private Summary() {}

    /** The same counts as one JSON object (for {@code local --json}). */
    public static ObjectNode json(LocalMode mode) {
        LocalMetrics m = mode.metrics();
        var n = new ObjectMapper().createObjectNode();
        n.put("published", mode.stack().fanout().published());
        n.put("filtered", mode.stack().fanout().filtered());
        n.put("received", m.total(PipelineMetrics.PACKETS_RECEIVED));
        n.put("delivered", m.total(PipelineMetrics.PACKETS_DELIVERED));
        var d = n.putObject("discarded");
        m.byDimension(PipelineMetrics.PACKETS_DISCARDED).forEach((k, v) -> d.put(k.substring(k.indexOf('=') + 1), v));
        n.put("recordsFailed", mode.stack().runnerStats().failed.get());
        var latest = n.putArray("latestDiscards");
        for (LocalDiscards.Entry e : m.discards().latest()) latest.add(discardJson(mode, e));
        try {
            n.put("dlq", mode.stack().queues().dlqDepth());
        } catch (RuntimeException e) {
            n.putNull("dlq");
        }
        return n;
    }

    /**
     * One discard as the summary and {@code --verbose} show it: the same fields as the AWS discard
     * log line, and the SNS MessageId the publisher was given (Publish returns it; the Id's first
     * part is the queue's own id for the message, which the publisher never sees).
     */
    public static ObjectNode discardJson(LocalMode mode, LocalDiscards.Entry e) {
        var d = new ObjectMapper().createObjectNode();
        d.put("Id", e.id());
        d.put("SnsMessageId", snsMessageId(mode, e));
        d.put("Reason", e.reason());
        d.put("Detail", e.detail());
        d.put("PacketSource", e.packetSource());
        d.put("Listener", e.listener());
        return d;
    }

    /** One discard as a line of text. */
    public static String discardLine(LocalMode mode, LocalDiscards.Entry e) {
        String sns = snsMessageId(mode, e);
        return "discarded " + e.id() + (sns == null ? "" : " (SNS message " + sns + ")") + " " + e.reason() + ": " + e.detail()
                + (e.packetSource() != null ? " (" + e.packetSource() + ")" : "")
                + (e.listener() != null ? " [" + e.listener() + "]" : "");
    }

    private static String snsMessageId(LocalMode mode, LocalDiscards.Entry e) {
        if (e.id() == null) return null;
        int entry = e.id().indexOf('/');
        return mode.stack().fanout().snsMessageIdOf(entry < 0 ? e.id() : e.id().substring(0, entry));
    }

    /** The latest discards after {@code seq}, at most {@code max}, oldest first. */
    public static List<LocalDiscards.Entry> discardsAfter(LocalMode mode, long seq, int max) {
        var newer = mode.metrics().discards().latest().stream().filter(e -> e.seq() > seq).toList();
        return newer.subList(Math.max(0, newer.size() - max), newer.size());
    }

    public static String line(LocalMode mode) {
        LocalMetrics m = mode.metrics();
        StringJoiner reasons = new StringJoiner(", ");
        long discarded = 0;
        for (Map.Entry<String, Long> e : m.byDimension(PipelineMetrics.PACKETS_DISCARDED).entrySet()) {
            discarded += e.getValue();
            reasons.add(e.getKey().substring(e.getKey().indexOf('=') + 1) + " " + e.getValue());
        }
        long dlq;
        try {
            dlq = mode.stack().queues().dlqDepth();
        } catch (RuntimeException e) {
            dlq = -1;
        }
        var sns = mode.stack().fanout();
        var runner = mode.stack().runnerStats();
        return "published " + sns.published() + " (filtered " + sns.filtered() + ")"
                + " | packets received " + m.total(PipelineMetrics.PACKETS_RECEIVED)
                + " delivered " + m.total(PipelineMetrics.PACKETS_DELIVERED)
                + " discarded " + discarded + (discarded > 0 ? " (" + reasons + ")" : "")
                + " | records failed " + runner.failed.get()
                + " | DLQ " + (dlq < 0 ? "?" : dlq);
    }
}
