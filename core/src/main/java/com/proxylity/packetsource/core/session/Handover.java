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
        if (ownerId == null) return Optional.empty();
        for (SenderTask t : tasks) {
            if (!t.id().equals(ownerId)) continue;
            if (t.liveAt(now)) return Optional.empty();
            Instant until = t.expiresAt().plus(HOLD);
            return now.isBefore(until) ? Optional.of(until) : Optional.empty();
        }
        return Optional.empty();
    }
}
