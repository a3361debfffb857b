package com.proxylity.packetsource.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        assertEquals(Optional.of("task-b"), PlainUdpRouting.owner(Optional.of(r), T.plusSeconds(119), TASKS));
    }

    @Test
    void withoutALiveFlowNoTaskOwnsTheRemote() throws Exception {
        SessionRecord r = PlainUdpRouting.flowRecord("coap", InetAddress.getByName("198.51.100.7"), 5683, "task-b", T);
        assertEquals(Optional.empty(), PlainUdpRouting.owner(Optional.of(r), T.plusSeconds(120), TASKS), "an expired flow is no flow");
        assertEquals(Optional.empty(), PlainUdpRouting.owner(Optional.empty(), T, TASKS));
        assertEquals(Optional.empty(), PlainUdpRouting.owner(Optional.of(r), T, List.of("task-a", "task-c")),
                "the owner's task is gone: the NLB's flow still leads to it");
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
