package com.proxylity.packetsource.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.core.session.Handover;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.session.InMemoryTaskDirectory;
import com.proxylity.packetsource.core.session.SenderTask;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.core.testing.ManualClock;
import com.proxylity.packetsource.core.usage.InMemoryUsageStore;
import com.proxylity.packetsource.core.usage.UsageKey;
import com.proxylity.packetsource.core.usage.UsageRecord;
import com.proxylity.packetsource.core.usage.UsageSource;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.model.EgressBatch;
import com.proxylity.packetsource.functions.model.EgressStateResult;
import com.proxylity.packetsource.functions.model.ItemIdentifier;

import java.time.Instant;


import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A held batch's outcomes are usage too: a packet whose peer never comes back is discarded for
 * its source, unless its record is coming back anyway (another of its packets went to an owner
 * whose post failed), because the record's next pass decides that packet again.
 */
@Timeout(30) // a wait that never ends is the failure this guards against, not a timing assertion
class HeldBatchUsageTest {
    private static final Instant T = Instant.parse("2026-12-06T12:00:00Z");
    private static final String GONE = "G".repeat(43) + "=";
    private static final String MOVED = "M".repeat(43) + "=";
    private static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:acme-tunnel";
    private static final String SOURCE = UsageSource.of("acme", TOPIC).wire();

    private final InMemorySessionDirectory sessions = new InMemorySessionDirectory();
    private final InMemoryTaskDirectory tasks = new InMemoryTaskDirectory();
    private final ManualClock clock = new ManualClock(T);

    @Test
    void aHandoverDiscardIsCountedForItsSourceUnlessItsRecordComesBack() {
        tasks.announce(new SenderTask("tunnel", "task-b", "http://task-b:8080", T, T, true)); // gone now
        sessions.put(new SessionRecord("tunnel", GONE, "198.51.100.9:40000", "task-b", T.minusSeconds(60), T));
        sessions.put(new SessionRecord("tunnel", MOVED, "198.51.100.8:40000", "task-a", T, T.plusSeconds(180)));
        HandoverWait wait = new HandoverWait(sessions, tasks, clock, d -> {
            clock.advance(d);
            tasks.announce(SenderTask.beat("tunnel", "task-a", "http://task-a:8080", clock.instant(), false));
        });
        tasks.announce(SenderTask.beat("tunnel", "task-a", "http://task-a:8080", T, false));
        InMemoryUsageStore usage = new InMemoryUsageStore("us-east-1");
        // task-a refuses every post: the records it was to send come back from SQS.
        Egress egress = new Egress((endpoint, request) -> {
            throw new SenderUnavailableException("refused", null);
        }, clock, Environment.pipelineMetrics(), wait, usage);

        EgressStateResult result = egress.handle(new EgressBatch("tunnel", null, null,
                List.of(packet("alone/0", GONE), packet("shared/0", GONE), packet("shared/1", MOVED)),
                List.of(new ItemIdentifier("alone"), new ItemIdentifier("shared")),
                Map.of("alone", T.toEpochMilli(), "shared", T.toEpochMilli()), "run-1", T.plus(Handover.HOLD).toEpochMilli(),
                Map.of("alone", SOURCE, "shared", SOURCE)));

        assertEquals(List.of(new ItemIdentifier("shared")), result.failed());
        long hour = UsageKey.hourOf(T.toEpochMilli());
        assertEquals(List.of(new UsageRecord("us-east-1", "acme", UsageSource.sourceIdOf(TOPIC), null, hour, 0, 0, 0,
                Map.of("SessionExpired", 1L))), usage.query("acme", hour, hour + 3600),
                "alone's discard once; shared's is decided again when shared comes back");
    }

    private static ReadyPacket packet(String id, String peer) {
        return new ReadyPacket(id, "tunnel", ListenerType.WG, "198.51.100.9", 51820, peer, new byte[] {1});
    }
}
