package com.proxylity.packetsource.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.core.session.Handover;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.session.InMemoryTaskDirectory;
import com.proxylity.packetsource.core.session.SenderTask;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.core.testing.ManualClock;

import java.time.Instant;


import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Egress's wait for the new owner of a held batch, on a clock the wait itself moves: it ends as
 * soon as the peer's new session is recorded, and it never outlasts the hold (the packet is then
 * the discard LookupSessions would have made).
 */
@Timeout(30) // a wait that never ends is the failure this guards against, not a timing assertion
class HandoverWaitTest {
    private static final Instant T = Instant.parse("2026-12-06T12:00:00Z");
    private static final String PEER = "P".repeat(43) + "=";

    private final InMemorySessionDirectory sessions = new InMemorySessionDirectory();
    private final InMemoryTaskDirectory tasks = new InMemoryTaskDirectory();
    private final ManualClock clock = new ManualClock(T);

    private ReadyPacket packet() {
        return new ReadyPacket("m/0", "tunnel", ListenerType.WG, "198.51.100.9", 51820, PEER, new byte[] {1});
    }

    private void stoppedTaskHeldThePeer() {
        tasks.announce(new SenderTask("tunnel", "task-b", "http://task-b:8080", T, T, true)); // "gone now"
        sessions.put(new SessionRecord("tunnel", PEER, "198.51.100.9:40000", "task-b", T.minusSeconds(60), T));
        tasks.announce(SenderTask.beat("tunnel", "task-a", "http://task-a:8080", T, false));
    }

    @Test
    void theWaitEndsWithTheNewSessionAndRoutesToItsTask() {
        stoppedTaskHeldThePeer();
        AtomicInteger polls = new AtomicInteger();
        HandoverWait wait = new HandoverWait(sessions, tasks, clock, d -> {
            clock.advance(d);
            tasks.announce(SenderTask.beat("tunnel", "task-a", "http://task-a:8080", clock.instant(), false));
            // Three seconds in, the peer's keepalive reached task-a, which initiated.
            if (polls.incrementAndGet() == 12) {
                sessions.put(new SessionRecord("tunnel", PEER, "198.51.100.9:40000", "task-a", clock.instant(), clock.instant().plusSeconds(180)));
            }
        });

        HandoverWait.Resolved r = wait.resolve(List.of(packet()), T.plus(Handover.HOLD));

        assertEquals(List.of("task-a"), r.routed().stream().map(p -> p.task().id()).toList());
        assertTrue(r.discards().isEmpty());
        assertEquals(12, polls.get(), "no poll after the owner was found");
        assertEquals(T.plus(HandoverWait.POLL.multipliedBy(12)), clock.instant());
    }

    @Test
    void aMomentWithoutAnyLiveTaskIsStillPartOfTheWait() throws Exception {
        // The only task stopped ("gone now"); its replacement beats two seconds later and takes the peer over.
        tasks.announce(new SenderTask("tunnel", "task-b", "http://task-b:8080", T, T, true));
        sessions.put(new SessionRecord("tunnel", PEER, "198.51.100.9:40000", "task-b", T.minusSeconds(60), T));
        HandoverWait wait = new HandoverWait(sessions, tasks, clock, d -> {
            clock.advance(d);
            if (!clock.instant().isBefore(T.plusSeconds(2))) {
                tasks.announce(SenderTask.beat("tunnel", "task-c", "http://task-c:8080", clock.instant(), false));
                sessions.put(new SessionRecord("tunnel", PEER, "198.51.100.9:40000", "task-c", clock.instant(), clock.instant().plusSeconds(180)));
            }
        });

        HandoverWait.Resolved r = wait.resolve(List.of(packet()), T.plus(Handover.HOLD));

        assertEquals(List.of("task-c"), r.routed().stream().map(p -> p.task().id()).toList());
        assertTrue(r.discards().isEmpty());
    }

    @Test
    void aPeerThatNeverComesBackIsTheDiscardLookupSessionsWouldHaveMadeWhenTheHoldEnds() {
        stoppedTaskHeldThePeer();
        HandoverWait wait = new HandoverWait(sessions, tasks, clock, d -> {
            clock.advance(d);
            tasks.announce(SenderTask.beat("tunnel", "task-a", "http://task-a:8080", clock.instant(), false));
        });

        HandoverWait.Resolved r = wait.resolve(List.of(packet()), T.plus(Handover.HOLD));

        assertTrue(r.routed().isEmpty());
        assertEquals(List.of(DiscardReason.SessionExpired), r.discards().stream().map(Discard::reason).toList());
        assertEquals(T.plus(Handover.HOLD), clock.instant(), "waited exactly the hold, not a poll longer");
    }

    @Test
    void theWaitNeverOutlastsTheBatchsOwnDeadline() {
        stoppedTaskHeldThePeer();
        HandoverWait wait = new HandoverWait(sessions, tasks, clock, d -> {
            clock.advance(d);
            // The stopped task's record keeps being rewritten as just gone: the directory alone would hold forever.
            tasks.announce(new SenderTask("tunnel", "task-b", "http://task-b:8080", clock.instant(), clock.instant(), true));
            tasks.announce(SenderTask.beat("tunnel", "task-a", "http://task-a:8080", clock.instant(), false));
        });

        HandoverWait.Resolved r = wait.resolve(List.of(packet()), T.plusSeconds(2));

        assertEquals(List.of(DiscardReason.SessionExpired), r.discards().stream().map(Discard::reason).toList());
        assertTrue(!clock.instant().isAfter(T.plusSeconds(2).plus(HandoverWait.POLL).plus(HandoverWait.POLL)), "ended at " + clock.instant());
    }
}
