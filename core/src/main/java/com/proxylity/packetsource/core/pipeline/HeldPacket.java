package com.proxylity.packetsource.core.pipeline;

import java.time.Instant;
import java.util.Objects;

/**
 * A packet whose flow or session is moving: its task has just left and no live task holds it
 * yet. It waits, until {@code until} at most, for the task that takes it over
 * ({@link com.proxylity.packetsource.core.session.Handover}).
 */
public record HeldPacket(ReadyPacket packet, Instant until) {
    public HeldPacket {
        Objects.requireNonNull(packet, "packet");
        Objects.requireNonNull(until, "until");
    }
}
