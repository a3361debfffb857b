package com.proxylity.packetsource.local.stepfunctions;

import com.amazonaws.services.lambda.runtime.Context;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Consumer;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricResolution;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Receives the metrics the stage handlers emit (the same names and Reason dimension CloudWatch
 * gets in AWS) and keeps running totals for local mode's summary line, instead of printing EMF
 * lines to the terminal. The handlers synchronize on this object around add+flush.
 */
public final class LocalMetrics implements Metrics {
    private final Map<String, DoubleAdder> totals = new ConcurrentHashMap<>();
    private final Map<String, Double> pending = new TreeMap<>();
    private final LocalDiscards discards = new LocalDiscards(LocalDiscards.DEFAULT_SIZE);

    /** PipelineMetrics for the handlers, reporting into this; their discards go to {@link #discards()}, not stdout. */
    public PipelineMetrics pipelineMetrics() {
        return new PipelineMetrics(this, PipelineMetrics.NAMESPACE, discards);
    }

    public LocalDiscards discards() {
        return discards;
    }

    public long total(String metric) {
        DoubleAdder a = totals.get(metric);
        return a == null ? 0 : Math.round(a.sum());
    }

    /** Totals of a dimensioned metric, e.g. PacketsDiscarded by Reason: "Reason=Stale" → n. */
    public Map<String, Long> byDimension(String metric) {
        Map<String, Long> out = new TreeMap<>();
        String prefix = metric + "|";
        totals.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), Math.round(v.sum()));
        });
        return out;
    }

    private void add(String key, double value) {
        totals.computeIfAbsent(key, k -> new DoubleAdder()).add(value);
    }

    @Override
    public synchronized void addMetric(String name, double value, MetricUnit unit, MetricResolution resolution) {
        // Samples (batch sizes, latency) would sum into nonsense; the summary only shows counts.
        if (unit == MetricUnit.COUNT && !name.endsWith("BatchSize")) pending.merge(name, value, Double::sum);
    }

    @Override
    public synchronized void flush() {
        pending.forEach(this::add);
        pending.clear();
    }

    @Override
    public void flushSingleMetric(String name, double value, MetricUnit unit, String namespace, DimensionSet dims) {
        StringBuilder key = new StringBuilder(name);
        if (dims != null) {
            dims.getDimensions().forEach((k, v) -> key.append('|').append(k).append('=').append(v));
        }
        add(key.toString(), value);
    }

    @Override
    public void flushSingleMetric(String name, double value, MetricUnit unit, String namespace) {
        add(name, value);
    }

    @Override public void addDimension(DimensionSet dimensionSet) { }
    @Override public void setTimestamp(Instant timestamp) { }
    @Override public void addMetadata(String key, Object value) { }
    @Override public void setDefaultDimensions(DimensionSet dimensionSet) { }
    @Override public DimensionSet getDefaultDimensions() { return new DimensionSet(); }
    @Override public void setNamespace(String namespace) { }
    @Override public void setRaiseOnEmptyMetrics(boolean raise) { }
    @Override public void clearDefaultDimensions() { }
    @Override public void captureColdStartMetric(Context context, DimensionSet dimensions) { }
    @Override public void captureColdStartMetric(DimensionSet dimensions) { }
    @Override public void flushMetrics(Consumer<Metrics> metricsConsumer) { metricsConsumer.accept(this); }
}
