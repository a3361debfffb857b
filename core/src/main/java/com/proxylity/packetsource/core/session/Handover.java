package com.proxylity.packetsource.core.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How long a packet waits for a flow or WireGuard session to move when the task that held it
 * has just left (a rolling replacement's stopped task, a crashed one once its heartbeat lapses).
 * No other task can send it until the client's or peer's next datagram reaches one (the NLB
 * gives nobody a flow the remote has not opened; a new WireGuard session needs that datagram to
 * start the handshake), which a WireGuard peer that was receiving sends within its passive
 * keepalive (10 s) or its persistent keepalive. Discarding meanwhile would lose what a single
 * task would have sent, so the pipeline holds such packets, for at most {@link #HOLD} after the
 * task stopped being live, and routes them to the new owner as soon as there is one
 * (docs/architecture.md#owner-routing, "Handover").
 */
public final class Handover {
    /** The wait after the owner's last heartbeat stopped being live: within one Egress invocation. */
    public static final Duration HOLD = Duration.ofSeconds(20);

    private Handover() {}

    /**
     * Until when a packet for something {@code ownerId} held may wait: {@link #HOLD} after that
     * task stopped being live, if that is still ahead of {@code now}; empty for a live task, one
     * gone longer, or one the directory does not know.
     *
     * @param tasks every record of the Listener's tasks, live or not
     */
    public static Optional<Instant> holdUntil(String ownerId, List<SenderTask> tasks, Instant now) {
        return departure(ownerId, tasks, now).map(d -> d.plus(HOLD)).filter(now::isBefore);
    }

    /**
     * As {@link #holdUntil}, for a WireGuard session: only one that was still valid when its task
     * left moves (a stop retires its sessions as it goes, so their expiry is the moment of the
     * stop; the table keeps whole seconds, hence the second of slack). A session that had simply
     * expired before is {@code SessionExpired} at once, as with a live owner.
     */
    public static Optional<Instant> holdUntil(SessionRecord session, List<SenderTask> tasks, Instant now) {
        Optional<Instant> left = departure(session.owner(), tasks, now);
        if (left.isEmpty() || session.expiresAt().plusSeconds(1).isBefore(left.get())) return Optional.empty();
        return left.map(d -> d.plus(HOLD)).filter(now::isBefore);
    }

    /** When {@code ownerId}'s last heartbeat stopped being live; empty for a live or unknown task. */
    private static Optional<Instant> departure(String ownerId, List<SenderTask> tasks, Instant now) {
        if (ownerId == null) return Optional.empty();
        for (SenderTask t : tasks) {
            if (t.id().equals(ownerId)) return t.liveAt(now) ? Optional.empty() : Optional.of(t.expiresAt());
        }
        return Optional.empty();
    }
}
