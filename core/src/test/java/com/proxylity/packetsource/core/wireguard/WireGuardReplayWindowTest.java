package com.proxylity.packetsource.core.wireguard;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class WireGuardReplayWindowTest {

    @Test
    void inOrderCountersAreAcceptedOnce() {
        ReplayWindow w = new ReplayWindow();
        for (long i = 0; i < 20_000; i++) assertTrue(w.accept(i), "counter " + i);
        for (long i = 19_990; i < 20_000; i++) assertFalse(w.accept(i), "duplicate " + i);
    }

    @Test
    void reorderedWithinTheWindowIsAcceptedOutsideIsNot() {
        ReplayWindow w = new ReplayWindow();
        assertTrue(w.accept(10_000));
        assertTrue(w.accept(9_000));
        assertTrue(w.accept(10_000 - ReplayWindow.WINDOW_SIZE), "the oldest counter still in the window");
        assertFalse(w.accept(10_000 - ReplayWindow.WINDOW_SIZE - 1), "too old");
        assertFalse(w.accept(0), "too old");
        assertFalse(w.accept(9_000), "duplicate inside the window");
        assertTrue(w.accept(9_999));
        assertTrue(w.accept(10_001));
    }

    @Test
    void aJumpClearsStaleBitsSoNewCountersAreNotMistakenForDuplicates() {
        ReplayWindow w = new ReplayWindow();
        for (long i = 0; i < 64 * 3; i++) assertTrue(w.accept(i));
        long far = 64L * ReplayWindow.RING_BLOCKS * 5 + 3; // lands on a ring slot that held old bits
        assertTrue(w.accept(far));
        for (long i = far - 60; i < far; i++) assertTrue(w.accept(i), "fresh counter " + i);
        assertFalse(w.accept(far));
        assertFalse(w.accept(5));
    }

    @Test
    void countersAtRejectAfterMessagesAreRefused() {
        ReplayWindow w = new ReplayWindow();
        long last = WireGuardProtocol.REJECT_AFTER_MESSAGES - 1; // unsigned 2^64 - 2^13 - 2
        assertTrue(w.accept(last));
        assertFalse(w.accept(WireGuardProtocol.REJECT_AFTER_MESSAGES));
        assertFalse(w.accept(-1L));
        assertTrue(w.accept(last - 1));
    }
}
