package com.proxylity.packetsource.sender.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The flow window on an explicit clock: live for 120 s after the last datagram, per address and port. */
class FlowWindowTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static final InetSocketAddress A = new InetSocketAddress("198.51.100.7", 5683);

    @Test
    void aRemoteIsLiveFor120SecondsAfterItWasLastHeard() {
        FlowWindow w = new FlowWindow();
        long t0 = 1_000 * S;
        assertFalse(w.live(A, t0), "never heard: no flow");
        w.heard(A, t0);
        assertTrue(w.live(A, t0 + 119 * S));
        assertFalse(w.live(A, t0 + 120 * S), "the NLB drops an idle UDP flow after 120 s");
        w.heard(A, t0 + 100 * S);
        assertTrue(w.live(A, t0 + 219 * S), "every datagram renews the flow");
    }

    @Test
    void theFlowIsPerAddressAndPort() {
        FlowWindow w = new FlowWindow();
        w.heard(A, 0);
        assertFalse(w.live(new InetSocketAddress("198.51.100.7", 5684), 1), "another port is another flow");
        assertFalse(w.live(new InetSocketAddress("198.51.100.8", 5683), 1));
    }

    @Test
    void trackingIsBoundedAndExpiredRemotesMakeRoom() {
        FlowWindow w = new FlowWindow(120 * S, 2);
        w.heard(new InetSocketAddress("198.51.100.1", 1), 0);
        w.heard(new InetSocketAddress("198.51.100.2", 1), 0);
        InetSocketAddress third = new InetSocketAddress("198.51.100.3", 1);
        w.heard(third, 10 * S);
        assertEquals(2, w.tracked(), "full of live flows: the new remote is not recorded");
        assertFalse(w.live(third, 10 * S), "an untracked remote counts as outside the window");
        w.heard(third, 130 * S);
        assertTrue(w.live(third, 130 * S), "expired entries were pruned to make room");
        assertEquals(1, w.tracked());
    }
}
