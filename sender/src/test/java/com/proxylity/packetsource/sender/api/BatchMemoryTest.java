package com.proxylity.packetsource.sender.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The sender's memory of segments stays within both bounds, whatever an authenticated caller sends. */
class BatchMemoryTest {
    @Test
    void aSegmentIsRememberedForTheHorizonAndNoLonger() {
        AtomicLong now = new AtomicLong();
        BatchMemory m = new BatchMemory(now::get, Duration.ofMinutes(29), 100);
        BatchMemory.Entry[] mine = new BatchMemory.Entry[1];
        assertNull(m.claim("a", "run-1", mine, 0));
        BatchMemory.Entry first = mine[0];
        now.addAndGet(Duration.ofMinutes(29).toNanos());
        assertSame(first, m.claim("a", "run-2", new BatchMemory.Entry[1], 0), "still inside the horizon");
        now.addAndGet(1);
        assertNull(m.claim("a", "run-3", new BatchMemory.Entry[1], 0), "forgotten once past it");
        assertEquals(BatchMemory.HORIZON, Duration.ofSeconds(5 * 300 + 240), "maxReceiveCount x visibility + execution");
    }

    @Test
    void aFloodOfSegmentsNeverHoldsMoreThanTheBoundAndForgetsTheOldestFirst() {
        BatchMemory m = new BatchMemory(() -> 0, Duration.ofMinutes(29), 1_000);
        for (int i = 0; i < 5_000; i++) assertNull(m.claim("s" + i, "run", new BatchMemory.Entry[1], 0));
        assertEquals(1_000, m.size());
        assertEquals(4_000, m.evictedEarly());
        assertNull(m.claim("s0", "run", new BatchMemory.Entry[1], 0), "the oldest went first");
        assertNotNull(m.claim("s4999", "run", new BatchMemory.Entry[1], 0), "the newest is kept");
    }

    @Test
    void aForgottenClaimLetsTheNextAttemptSend() {
        BatchMemory m = new BatchMemory(() -> 0, Duration.ofMinutes(29), 10);
        BatchMemory.Entry[] mine = new BatchMemory.Entry[1];
        assertNull(m.claim("a", "run-1", mine, 0));
        m.forget(mine[0]);
        assertNull(m.claim("a", "run-1", new BatchMemory.Entry[1], 0));
    }
}
