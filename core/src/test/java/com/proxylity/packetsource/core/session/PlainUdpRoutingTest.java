package com.proxylity.packetsource.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlainUdpRoutingTest {
    private static final Instant T = Instant.parse("2026-11-30T12:00:00Z");
    private static final List<String> TASKS = List.of("task-a", "task-b", "task-c");

    @Test
    void theTaskHoldingALiveFlowSends() throws Exception {
        SessionRecord r = PlainUdpRouting.flowRecord("coap", InetAddress.getByName("198.51.100.7"), 5683, "task-b", T);
        assertEquals("udp:198.51.100.7:5683", r.peerKey());
        assertEquals("198.51.100.7:5683", r.endpoint());
        assertEquals(T.plusSeconds(120), r.expiresAt(), "the NLB's UDP idle timeout");
        assertEquals("task-b", PlainUdpRouting.route(r.peerKey(), Optional.of(r), T.plusSeconds(119), TASKS));
    }

    @Test
    void withoutALiveFlowAnyLiveTaskSendsStablyPerRemote() throws Exception {
        SessionRecord r = PlainUdpRouting.flowRecord("coap", InetAddress.getByName("198.51.100.7"), 5683, "task-b", T);
        String key = r.peerKey();
        String expired = PlainUdpRouting.route(key, Optional.of(r), T.plusSeconds(120), TASKS);
        String none = PlainUdpRouting.route(key, Optional.empty(), T, TASKS);
        assertEquals(none, expired, "an expired flow is no flow");
        assertEquals(none, PlainUdpRouting.route(key, Optional.empty(), T.plusSeconds(5), TASKS), "stable per remote");
        assertTrue(TASKS.contains(none));
        String gone = PlainUdpRouting.route(key, Optional.of(r), T, List.of("task-a", "task-c"));
        assertTrue(List.of("task-a", "task-c").contains(gone), "the owner's task is gone: another live task");
        assertThrows(IllegalArgumentException.class, () -> PlainUdpRouting.route(key, Optional.empty(), T, List.of()));
    }

    @Test
    void theSenderAndThePipelineComputeTheSameKey() throws Exception {
        // The sender sees socket addresses, the pipeline reads the message's literal.
        assertEquals(PlainUdpRouting.flowKey(InetAddress.getByName("2001:db8::7"), 53),
                PlainUdpRouting.flowKey("2001:0db8:0:0::7", 53).orElseThrow());
        assertEquals("udp:[2001:db8:0:0:0:0:0:7]:53", PlainUdpRouting.flowKey("2001:db8::7", 53).orElseThrow());
        assertEquals(Optional.empty(), PlainUdpRouting.flowKey("example.com", 53), "host names are never resolved");
    }
}
