package com.proxylity.packetsource.local;

import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.local.stepfunctions.LocalMetrics;
import java.util.Map;
import java.util.StringJoiner;

/** The one-line live summary of local mode, from the handlers' own metrics and the queues. */
public final class Summary {
    private Summary() {}

    /** The same counts as one JSON object (for {@code local --json}). */
    public static com.fasterxml.jackson.databind.node.ObjectNode json(LocalMode mode) {
        LocalMetrics m = mode.metrics();
        var n = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        n.put("published", mode.stack().fanout().published());
        n.put("filtered", mode.stack().fanout().filtered());
        n.put("received", m.total(PipelineMetrics.PACKETS_RECEIVED));
        n.put("delivered", m.total(PipelineMetrics.PACKETS_DELIVERED));
        var d = n.putObject("discarded");
        m.byDimension(PipelineMetrics.PACKETS_DISCARDED).forEach((k, v) -> d.put(k.substring(k.indexOf('=') + 1), v));
        n.put("recordsFailed", mode.stack().runnerStats().failed.get());
        try {
            n.put("dlq", mode.stack().queues().dlqDepth());
        } catch (RuntimeException e) {
            n.putNull("dlq");
        }
        return n;
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
