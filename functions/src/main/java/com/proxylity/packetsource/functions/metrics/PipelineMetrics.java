package com.proxylity.packetsource.functions.metrics;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.pipeline.Discard;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The pipeline's CloudWatch metrics as EMF lines on stdout (Powertools). A handler fills one
 * {@link Tally} per invocation and flushes it at the end, so concurrent invocations in one
 * process (local mode runs the Map's Egress calls in parallel) never mix their counts.
 *
 * <p>Metric names are part of the operator contract (alarms, dashboard): see docs/pipeline.md.
 */
public final class PipelineMetrics {
    public static final String NAMESPACE = "PacketSource";
    public static final String PACKETS_RECEIVED = "PacketsReceived";
    public static final String PACKETS_DELIVERED = "PacketsDelivered";
    public static final String PACKETS_DISCARDED = "PacketsDiscarded";
    /** Dimension of {@link #PACKETS_DISCARDED}: a {@link DiscardReason} name. */
    public static final String REASON = "Reason";
    public static final String MESSAGES_RECEIVED = "MessagesReceived";
    /** Envelopes that carry no packets and are dropped on purpose; dimension {@link #KIND}. */
    public static final String MESSAGES_IGNORED = "MessagesIgnored";
    public static final String KIND = "Kind";
    public static final String SUBSCRIPTIONS_CONFIRMED = "SubscriptionsConfirmed";
    public static final String EGRESS_BATCH_SIZE = "EgressBatchSize";
    public static final String PIPE_BATCH_SIZE = "PipeBatchSize";
    public static final String PUBLISH_TO_EGRESS_LATENCY = "PublishToEgressLatency";
    public static final String EGRESS_FAILURES = "EgressFailures";
    public static final String RECORDS_FAILED = "RecordsFailed";

    private final Metrics metrics;
    private final String namespace;
    private final DiscardLog discardLog;

    /** Discards explained in this execution environment's rate-limited JSON log ({@link RateLimitedDiscardLog#shared()}). */
    public PipelineMetrics(Metrics metrics, String namespace) {
        this(metrics, namespace, RateLimitedDiscardLog.shared());
    }

    public PipelineMetrics(Metrics metrics, String namespace, DiscardLog discardLog) {
        this.metrics = metrics;
        this.namespace = namespace;
        this.discardLog = discardLog;
    }

    /**
     * Metrics in {@code namespace} (null or blank: {@value #NAMESPACE}) for {@code service} (null or
     * blank: packet-source); {@code Environment.pipelineMetrics()} passes the Powertools variables.
     */
    public static PipelineMetrics create(String namespace, String service) {
        String ns = namespace == null || namespace.isBlank() ? NAMESPACE : namespace;
        MetricsBuilder b = MetricsBuilder.builder().withNamespace(ns).withRaiseOnEmptyMetrics(false);
        b.withService(service == null || service.isBlank() ? "packet-source" : service);
        return new PipelineMetrics(b.build(), ns);
    }

    private record Explained(Discard discard, String topicArn, String listener) {}

    public Tally tally() {
        return new Tally();
    }

    /** Counts of one invocation. Not thread-safe: one per invocation. */
    public final class Tally {
        private final Map<String, Double> counts = new LinkedHashMap<>();
        private final Map<DiscardReason, Integer> discards = new EnumMap<>(DiscardReason.class);
        private final Map<String, Integer> ignored = new LinkedHashMap<>();
        private final List<Map.Entry<String, Double>> samples = new ArrayList<>();
        private final List<Explained> explained = new ArrayList<>();

        public Tally count(String metric, double n) {
            counts.merge(metric, n, Double::sum);
            return this;
        }

        public Tally discard(DiscardReason reason) {
            discards.merge(reason, 1, Integer::sum);
            return this;
        }

        /**
         * One line in the discard log for this entry, written at {@link #flush()}. Separate from
         * {@link #discard}: a redelivered record is not counted again, but its discard is still
         * what happened to it this time.
         *
         * @param topicArn the Packet Source, when the handler knows it; null otherwise
         * @param listener the entry's Listener, when the handler knows it; null otherwise
         */
        public Tally explain(Discard d, String topicArn, String listener) {
            explained.add(new Explained(d, topicArn, listener));
            return this;
        }

        public Tally ignored(String kind) {
            ignored.merge(kind, 1, Integer::sum);
            return this;
        }

        /** A distribution sample (batch size, latency): each sample is its own EMF value. */
        public Tally sample(String metric, double value) {
            samples.add(Map.entry(metric, value));
            return this;
        }

        public int discarded(DiscardReason reason) {
            return discards.getOrDefault(reason, 0);
        }

        /** Writes the EMF lines: one for the plain counters, one per discard reason and per ignore kind. */
        public void flush() {
            String ns = namespace;
            synchronized (metrics) {
                boolean any = false;
                for (Map.Entry<String, Double> e : counts.entrySet()) {
                    metrics.addMetric(e.getKey(), e.getValue(), unitOf(e.getKey()));
                    any = true;
                }
                for (Map.Entry<String, Double> e : samples) {
                    metrics.addMetric(e.getKey(), e.getValue(), unitOf(e.getKey()));
                    any = true;
                }
                if (any) metrics.flush();
                for (Map.Entry<DiscardReason, Integer> e : discards.entrySet()) {
                    metrics.flushSingleMetric(PACKETS_DISCARDED, e.getValue(), MetricUnit.COUNT, ns,
                            DimensionSet.of(REASON, e.getKey().name()));
                }
                for (Map.Entry<String, Integer> e : ignored.entrySet()) {
                    metrics.flushSingleMetric(MESSAGES_IGNORED, e.getValue(), MetricUnit.COUNT, ns,
                            DimensionSet.of(KIND, e.getKey()));
                }
            }
            for (Explained e : explained) discardLog.discarded(e.discard(), e.topicArn(), e.listener());
            discardLog.endOfInvocation();
            explained.clear();
            counts.clear();
            discards.clear();
            ignored.clear();
            samples.clear();
        }
    }

    private static MetricUnit unitOf(String metric) {
        return PUBLISH_TO_EGRESS_LATENCY.equals(metric) ? MetricUnit.MILLISECONDS : MetricUnit.COUNT;
    }
}
