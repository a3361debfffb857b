package com.proxylity.packetsource.functions;

import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.EntryId;
import com.proxylity.packetsource.core.pipeline.FormatStage;
import com.proxylity.packetsource.core.pipeline.PacketsOutput;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.functions.model.ValidateResult;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.state.StageHandler;

/** Second state: each entry to the exact bytes to send, or a discard (core {@link FormatStage}). */
public final class Format extends StageHandler<ValidateResult, PacketsState> {
    private final FormatStage stage;
    private final PipelineMetrics metrics;

    public Format() {
        this(Environment.egressPolicy(), Environment.pipelineMetrics());
    }

    public Format(EgressPolicy egressPolicy, PipelineMetrics metrics) {
        super(ValidateResult.class);
        this.stage = new FormatStage(egressPolicy);
        this.metrics = metrics;
    }

    @Override
    public PacketsState handle(ValidateResult input) {
        PacketsOutput out = stage.format(input.entries());
        PipelineMetrics.Tally tally = metrics.tally();
        java.util.Set<String> again = java.util.Set.copyOf(input.redelivered());
        for (Discard d : out.discards()) {
            if (!again.contains(EntryId.messageIdOf(d.id()))) tally.discard(d.reason());
        }
        tally.flush();
        return new PacketsState(out.packets(), out.discards(), input.publishedAt(), input.redelivered());
    }
}
