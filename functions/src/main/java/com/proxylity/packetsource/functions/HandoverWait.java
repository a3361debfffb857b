package com.proxylity.packetsource.functions;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.HeldPacket;
import com.proxylity.packetsource.core.pipeline.LookupSessionsStage;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.core.pipeline.RoutedOutput;
import com.proxylity.packetsource.core.pipeline.RoutedPacket;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.session.TaskDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Egress's wait for a held batch (core {@code Handover}): the packets' task has just left, and
 * the session or flow moves to whichever task the peer's or client's next datagram reaches. It
 * reads the directories again every {@link #POLL} until every packet has a live owner or its
 * hold has passed (then LookupSessions' rule makes it a discard), all within one invocation:
 * the batch's other packets and the execution's other batches are not held back by it.
 */
public final class HandoverWait {
    static final Duration POLL = Duration.ofMillis(250);
    private static final String GAVE_UP = "no task took the peer's session or the client's flow over in time";

    /** How the wait passes time; tests give a clock that moves. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** Packets with their new owners, and the discards of those whose hold passed. */
    public record Resolved(List<RoutedPacket> routed, List<Discard> discards) {}

    private final LookupSessionsStage stage;
    private final TaskDirectory tasks;
    private final Clock clock;
    private final Sleeper sleeper;

    public HandoverWait(SessionDirectory sessions, TaskDirectory tasks, Clock clock) {
        this(sessions, tasks, clock, d -> Thread.sleep(d.toMillis()));
    }

    public HandoverWait(SessionDirectory sessions, TaskDirectory tasks, Clock clock, Sleeper sleeper) {
        this.stage = new LookupSessionsStage(sessions, clock);
        this.tasks = tasks;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Blocks until each packet has an owner or its hold ({@code until} at the latest) has passed. */
    public Resolved resolve(List<ReadyPacket> packets, Instant until) {
        List<RoutedPacket> routed = new ArrayList<>();
        List<Discard> discards = new ArrayList<>();
        List<ReadyPacket> waiting = packets;
        while (!waiting.isEmpty()) {
            RoutedOutput out;
            try {
                out = stage.route(waiting, tasks);
            } catch (LookupSessionsStage.NoLiveTaskException e) {
                // Between one task's departure and the next one's first beat (a single task's
                // restart): still waiting, until the batch's own deadline.
                out = new RoutedOutput(List.of(), List.of(), waiting.stream().map(p -> new HeldPacket(p, until)).toList());
            } catch (RuntimeException e) {
                throw new TransientException("session or task directory lookup failed", e);
            }
            routed.addAll(out.packets());
            discards.addAll(out.discards());
            waiting = out.held().stream().map(HeldPacket::packet).toList();
            Instant now = clock.instant();
            if (waiting.isEmpty()) break;
            // The directory decides when a hold ends; this bound only stops a wait that outlived the batch's own.
            if (now.isAfter(until.plus(POLL))) {
                for (ReadyPacket p : waiting) discards.add(new Discard(p.id(), reasonFor(p), GAVE_UP));
                break;
            }
            Duration left = Duration.between(now, until);
            try {
                // Never a zero sleep: at the deadline itself the directory may still say "held".
                sleeper.sleep(left.isNegative() || left.isZero() || left.compareTo(POLL) > 0 ? POLL : left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransientException("interrupted while waiting for a handover", e);
            }
        }
        return new Resolved(routed, discards);
    }

    private static DiscardReason reasonFor(ReadyPacket p) {
        return p.listenerType().isWireGuard() ? DiscardReason.SessionExpired : DiscardReason.NoFlow;
    }
}
