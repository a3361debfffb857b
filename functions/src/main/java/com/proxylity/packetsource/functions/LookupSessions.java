package com.proxylity.packetsource.functions;

import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.EntryId;
import com.proxylity.packetsource.core.pipeline.LookupSessionsStage;
import com.proxylity.packetsource.core.pipeline.PacketsOutput;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.state.StageHandler;
import java.time.Clock;

/**
 * Third state: WireGuard packets without a live session on their own Listener are discarded
 * ({@code NoSession}, {@code SessionExpired}; core {@link LookupSessionsStage}, which never takes
 * a record of another Listener). The DynamoDB directory splits each read into BatchGetItem
 * requests of at most 100 keys. The sender checks again when it seals; this saves the
 * egress round trip for packets that cannot go.
 */
public final class LookupSessions extends StageHandler<PacketsState, PacketsState> {
    private final LookupSessionsStage stage;
    private final PipelineMetrics metrics;

    public LookupSessions() {
        this(Environment.sessionDirectory(), Clock.systemUTC(), Environment.pipelineMetrics());
    }

    public LookupSessions(SessionDirectory sessions, Clock clock, PipelineMetrics metrics) {
        super(PacketsState.class);
        this.stage = new LookupSessionsStage(sessions, clock);
        this.metrics = metrics;
    }

    @Override
    public PacketsState handle(PacketsState input) {
        PacketsOutput out;
        try {
            out = stage.lookup(input.packets());
        } catch (RuntimeException e) {
            throw new TransientException("session directory lookup failed", e);
        }
        PipelineMetrics.Tally tally = metrics.tally();
        java.util.Set<String> again = java.util.Set.copyOf(input.redelivered());
        for (Discard d : out.discards()) {
            if (!again.contains(EntryId.messageIdOf(d.id()))) tally.discard(d.reason());
        }
        tally.flush();
        return new PacketsState(out.packets(), out.discards(), input.publishedAt(), input.redelivered());
    }
}
