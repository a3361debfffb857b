package com.proxylity.packetsource.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.session.Handover;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.session.InMemoryTaskDirectory;
import com.proxylity.packetsource.core.session.PlainUdpRouting;
import com.proxylity.packetsource.core.session.SenderTask;
import com.proxylity.packetsource.core.session.SessionRecord;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Owner routing in LookupSessions: each packet to the live task that holds its session or flow. */
class OwnerRoutingTest {
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private static final String PEER_A = "A".repeat(43) + "=";
    private static final String PEER_B = "B".repeat(43) + "=";
    private final InMemorySessionDirectory sessions = new InMemorySessionDirectory();
    private final InMemoryTaskDirectory tasks = new InMemoryTaskDirectory();
    private final LookupSessionsStage stage = new LookupSessionsStage(sessions, Clock.fixed(T, ZoneOffset.UTC));

    private static ReadyPacket wg(String id, String peer) {
        return new ReadyPacket(id, "tunnel", ListenerType.WG, "198.51.100.9", 51820, peer, new byte[] {1});
    }

    private static ReadyPacket udp(String id, String address, int port) {
        return new ReadyPacket(id, "coap", ListenerType.UDP, address, port, null, new byte[] {2});
    }

    private void task(String listener, String id, Instant beat, boolean draining) {
        tasks.announce(SenderTask.beat(listener, id, "http://" + id + ":8080", beat, draining));
    }

    private static Map<String, String> owners(RoutedOutput out) {
        return out.packets().stream().collect(Collectors.toMap(r -> r.packet().id(), r -> r.task().id()));
    }

    @Test
    void aWireGuardPacketGoesToTheTaskHoldingItsSessionAndNeverToADeadOne() {
        task("tunnel", "task-a", T, false);
        task("tunnel", "task-b", T.minusSeconds(40), false); // missed its beats, and longer ago than the handover hold
        sessions.put(new SessionRecord("tunnel", PEER_A, "198.51.100.9:40000", "task-a", T.minusSeconds(5), T.plusSeconds(175)));
        sessions.put(new SessionRecord("tunnel", PEER_B, "198.51.100.10:40000", "task-b", T.minusSeconds(5), T.plusSeconds(175)));

        RoutedOutput out = stage.route(List.of(wg("m/0", PEER_A), wg("m/1", PEER_B)), tasks);

        assertEquals(Map.of("m/0", "task-a"), owners(out));
        assertEquals("http://task-a:8080", out.packets().get(0).task().endpoint());
        assertEquals(1, out.discards().size());
        assertEquals(DiscardReason.SessionExpired, out.discards().get(0).reason(), "the keys died with task B");
    }

    @Test
    void aPacketWhoseTaskHasJustLeftIsHeldForTheTaskThatTakesItsSessionOrFlowOver() throws Exception {
        task("tunnel", "task-a", T, false);
        // task-b stopped 5 s ago: its last beat said "gone now" and it retired its session.
        tasks.announce(new SenderTask("tunnel", "task-b", "http://task-b:8080", T.minusSeconds(5), T.minusSeconds(5), true));
        sessions.put(new SessionRecord("tunnel", PEER_B, "198.51.100.10:40000", "task-b", T.minusSeconds(60), T.minusSeconds(5)));
        task("coap", "task-a", T, false);
        tasks.announce(new SenderTask("coap", "task-b", "http://task-b:8080", T.minusSeconds(5), T.minusSeconds(5), true));
        sessions.put(PlainUdpRouting.flowRecord("coap", InetAddress.getByName("198.51.100.7"), 5683, "task-b", T.minusSeconds(30)));

        RoutedOutput out = stage.route(List.of(wg("m/0", PEER_B), udp("m/1", "198.51.100.7", 5683)), tasks);

        assertTrue(out.packets().isEmpty());
        assertTrue(out.discards().isEmpty(), "not lost while the peer and the client have not yet reached another task");
        assertEquals(List.of("m/0", "m/1"), out.held().stream().map(h -> h.packet().id()).toList());
        assertTrue(out.held().stream().allMatch(h -> h.until().equals(T.minusSeconds(5).plus(Handover.HOLD))));

        // The peer's next datagram reached task-a, which initiated: its newer session replaces the record.
        sessions.put(new SessionRecord("tunnel", PEER_B, "198.51.100.10:40000", "task-a", T, T.plusSeconds(180)));
        sessions.put(PlainUdpRouting.flowRecord("coap", InetAddress.getByName("198.51.100.7"), 5683, "task-a", T));
        RoutedOutput moved = stage.route(List.of(wg("m/0", PEER_B), udp("m/1", "198.51.100.7", 5683)), tasks);
        assertEquals(Map.of("m/0", "task-a", "m/1", "task-a"), owners(moved));
        assertTrue(moved.held().isEmpty());
    }

    @Test
    void aSessionThatHadExpiredBeforeItsTaskLeftIsNotHeld() {
        task("tunnel", "task-a", T, false);
        tasks.announce(new SenderTask("tunnel", "task-b", "http://task-b:8080", T.minusSeconds(5), T.minusSeconds(5), true));
        // The peer stopped handshaking: its session ran out a minute before its task stopped.
        sessions.put(new SessionRecord("tunnel", PEER_B, "198.51.100.10:40000", "task-b", T.minusSeconds(240), T.minusSeconds(60)));

        RoutedOutput out = stage.route(List.of(wg("m/0", PEER_B)), tasks);

        assertTrue(out.held().isEmpty(), "nothing to move: waiting would only hold back the execution");
        assertEquals(List.of(DiscardReason.SessionExpired), out.discards().stream().map(Discard::reason).toList());
    }

    @Test
    void aHeldPacketIsDiscardedOnceTheHoldHasPassed() throws Exception {
        Instant later = T.minusSeconds(5).plus(Handover.HOLD);
        task("tunnel", "task-a", later, false);
        tasks.announce(new SenderTask("tunnel", "task-b", "http://task-b:8080", T.minusSeconds(5), T.minusSeconds(5), true));
        sessions.put(new SessionRecord("tunnel", PEER_B, "198.51.100.10:40000", "task-b", T.minusSeconds(60), T.minusSeconds(5)));
        LookupSessionsStage atTheEnd = new LookupSessionsStage(sessions, Clock.fixed(later, ZoneOffset.UTC));

        RoutedOutput out = atTheEnd.route(List.of(wg("m/0", PEER_B)), tasks);

        assertTrue(out.held().isEmpty());
        assertEquals(List.of(DiscardReason.SessionExpired), out.discards().stream().map(Discard::reason).toList());
    }

    @Test
    void aPlainPacketGoesToTheLiveOwnerOfItsFlowEvenWhileThatTaskDrains() throws Exception {
        task("coap", "task-a", T, false);
        task("coap", "task-b", T, true);
        sessions.put(PlainUdpRouting.flowRecord("coap", InetAddress.getByName("198.51.100.7"), 5683, "task-b", T.minusSeconds(60)));
        sessions.put(PlainUdpRouting.flowRecord("coap", InetAddress.getByName("198.51.100.8"), 5683, "task-a", T.minusSeconds(119)));

        RoutedOutput out = stage.route(List.of(udp("m/0", "198.51.100.7", 5683), udp("m/1", "198.51.100.8", 5683)), tasks);

        assertEquals(Map.of("m/0", "task-b", "m/1", "task-a"), owners(out), "the draining task still holds its flow");
        assertTrue(out.discards().isEmpty());
    }

    @Test
    void aPlainPacketNoLiveTaskHoldsAFlowForIsNoFlowNotSentFromTheWrongAddress() throws Exception {
        task("coap", "task-a", T, false);
        // Heard by a task that is gone: the NLB's flow still points at it until the client sends again.
        sessions.put(PlainUdpRouting.flowRecord("coap", InetAddress.getByName("198.51.100.7"), 5683, "task-z", T.minusSeconds(10)));
        // Heard by a live task, but the NLB's idle timeout has passed.
        sessions.put(PlainUdpRouting.flowRecord("coap", InetAddress.getByName("198.51.100.8"), 5683, "task-a", T.minusSeconds(120)));
        RoutedOutput out = stage.route(List.of(udp("m/0", "198.51.100.7", 5683), udp("m/1", "198.51.100.8", 5683),
                udp("m/2", "198.51.100.9", 5683), udp("m/3", "198.51.100.7", 5684)), tasks);
        assertTrue(out.packets().isEmpty());
        assertEquals(List.of("m/0", "m/1", "m/2", "m/3"), out.discards().stream().map(Discard::id).toList());
        assertTrue(out.discards().stream().allMatch(d -> d.reason() == DiscardReason.NoFlow));
    }

    @Test
    void aListenerWithoutALiveTaskIsARetryNotADiscard() {
        task("coap", "task-a", T.minusSeconds(60), false);
        task("coap", "task-b", T, false);
        // A final beat on close says "gone now".
        tasks.announce(new SenderTask("coap", "task-b", "http://task-b:8080", T, T, true));
        assertThrows(LookupSessionsStage.NoLiveTaskException.class,
                () -> stage.route(List.of(udp("m/0", "198.51.100.7", 5683)), tasks));
    }

    @Test
    void entryOrderIsKeptAndSessionChecksStillApply() throws Exception {
        task("tunnel", "task-a", T, false);
        task("coap", "task-a", T, false);
        sessions.put(PlainUdpRouting.flowRecord("coap", InetAddress.getByName("198.51.100.7"), 1, "task-a", T));
        sessions.put(PlainUdpRouting.flowRecord("coap", InetAddress.getByName("198.51.100.7"), 2, "task-a", T));
        sessions.put(new SessionRecord("tunnel", PEER_A, "198.51.100.9:40000", "task-a", T.minusSeconds(200), T.minusSeconds(20)));
        RoutedOutput out = stage.route(List.of(udp("m/0", "198.51.100.7", 1), wg("m/1", PEER_A), wg("m/2", PEER_B),
                udp("m/3", "198.51.100.7", 2)), tasks);
        assertEquals(List.of("m/0", "m/3"), out.packets().stream().map(r -> r.packet().id()).toList());
        assertEquals(List.of(DiscardReason.SessionExpired, DiscardReason.NoSession),
                out.discards().stream().map(Discard::reason).toList());
        assertTrue(out.packets().stream().allMatch(r -> r.task().id().equals("task-a")));
    }
}
