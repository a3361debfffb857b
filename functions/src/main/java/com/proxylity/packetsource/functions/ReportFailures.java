package com.proxylity.packetsource.functions;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.functions.model.BatchItemFailures;
import com.proxylity.packetsource.functions.model.ItemIdentifier;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.state.StageHandler;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Final state: the Map's per-batch {@code Failed} lists, flattened and de-duplicated into the
 * Pipe's {@code {"batchItemFailures":[{"itemIdentifier":...}]}}.
 *
 * <p>A Lambda rather than a Pass state because flattening needs a wildcard JSONPath
 * ({@code $[*].Failed[*]}), whose result for zero or one match differs between engines
 * (aws-local-stepfunctions returns no value or the bare item) — the one place where a Pass
 * state would behave differently locally and in AWS.
 */
public final class ReportFailures extends StageHandler<ReportFailures.Input, BatchItemFailures> {
    /** The Map state's result: one element per egress batch. */
    public static final class Input extends ArrayList<BatchOutcome> {
    }

    public record BatchOutcome(@JsonProperty("Failed") List<ItemIdentifier> failed) {
    }

    private final PipelineMetrics metrics;

    public ReportFailures() {
        this(Environment.pipelineMetrics());
    }

    public ReportFailures(PipelineMetrics metrics) {
        super(Input.class);
        this.metrics = metrics;
    }

    @Override
    public BatchItemFailures handle(Input input) {
        Set<String> ids = new LinkedHashSet<>();
        if (input != null) {
            for (BatchOutcome b : input) {
                if (b == null || b.failed() == null) continue;
                for (ItemIdentifier i : b.failed()) ids.add(i.itemIdentifier());
            }
        }
        if (!ids.isEmpty()) {
            metrics.tally().count(PipelineMetrics.RECORDS_FAILED, ids.size()).flush();
        }
        return new BatchItemFailures(ids.stream().map(ItemIdentifier::new).toList());
    }
}
