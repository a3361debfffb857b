package com.proxylity.packetsource.core.wireguard;

import java.util.concurrent.TimeUnit;

/**
 * Decides when the responder is under load (paper section 5.4.7): more than a set number of
 * mac1-valid initiations within one second. Once exceeded, the load lasts for the rest of that
 * second and the whole next one, so a steady flood keeps being asked for cookies while honest
 * peers (which retry with mac2 after RekeyTimeout) still get through.
 */
final class HandshakeLoad {
    /** About a third of one core of X25519 work (BENCHMARKS.md: ~3 k responder handshakes per CPU-second) before cookies are demanded. */
    static final int DEFAULT_PER_SECOND = 1_000;
    private static final long WINDOW = TimeUnit.SECONDS.toNanos(1);

    private final int perSecond;
    private long windowStart;
    private boolean started;
    private int count;
    private boolean previousOver;

    HandshakeLoad(int perSecond) {
        this.perSecond = perSecond;
    }

    /** Counts one initiation at {@code now}; true when the responder is under load. */
    synchronized boolean note(long now) {
        if (perSecond == 0) return false;
        if (!started || now - windowStart >= WINDOW) {
            boolean adjacent = started && now - windowStart < 2 * WINDOW;
            previousOver = adjacent && count > perSecond;
            windowStart = now;
            started = true;
            count = 0;
        }
        count++;
        return previousOver || count > perSecond;
    }
}
