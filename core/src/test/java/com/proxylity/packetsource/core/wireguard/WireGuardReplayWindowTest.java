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

    /**
     * Against a plain model (a set of seen counters and the highest one): a counter is accepted
     * iff it is new and no more than WINDOW_SIZE behind the highest. Random walks with reordering,
     * duplicates and jumps of every size, including whole ring laps.
     */
    @Test
    void behavesLikeTheSetModelOnRandomWalks() {
        for (long seed = 0; seed < 40; seed++) {
            java.util.Random r = new java.util.Random(seed);
            ReplayWindow w = new ReplayWindow();
            java.util.Set<Long> seen = new java.util.HashSet<>();
            long highest = -1;
            long base = 0;
            for (int i = 0; i < 5_000; i++) {
                long c;
                switch (r.nextInt(6)) {
                    case 0 -> c = base + r.nextInt(64);                       // near the front
                    case 1 -> c = Math.max(0, highest - r.nextInt(9_000));   // behind, sometimes too far
                    case 2 -> c = seen.isEmpty() ? 0 : highest;              // duplicate of the newest
                    case 3 -> c = highest + 1 + r.nextInt(20_000);           // jump ahead, up to 2+ laps
                    default -> c = highest + 1;                              // in order
                }
                if (c < 0) c = 0;
                boolean expected = !seen.contains(c) && (highest < 0 || c > highest || highest - c <= ReplayWindow.WINDOW_SIZE);
                assertEquals(expected, w.accept(c), "seed " + seed + " step " + i + " counter " + c + " highest " + highest);
                if (expected) {
                    seen.add(c);
                    highest = Math.max(highest, c);
                }
                base = Math.max(base, highest - 32);
            }
        }
    }
}
