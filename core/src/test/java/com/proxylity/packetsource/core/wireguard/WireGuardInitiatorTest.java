package com.proxylity.packetsource.core.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.contract.DiscardReason;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Listener engine as initiator (session recovery), against another engine as the peer's
 * responder: after one round trip plus our keepalive both sides hold the session and data flows
 * both ways. The real-client version is {@code WireGuardInteropTest}.
 */
class WireGuardInitiatorTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static final long EPOCH = 1_796_000_000L * 1_000_000_000L;
    private static final InetSocketAddress LISTENER = new InetSocketAddress("198.51.100.1", 51820);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("203.0.113.9", 40000);

    private final WireGuardListenerEngine listener = WireGuardListenerEngine.builder(WireGuardTestKeys.key(1))
            .entropy(WireGuardTestKeys.seeded(1)).build();
    private final WireGuardListenerEngine client = WireGuardListenerEngine.builder(WireGuardTestKeys.key(100))
            .entropy(WireGuardTestKeys.seeded(2)).build();

    WireGuardInitiatorTest() {
        listener.putPeer(PeerConfig.of(client.publicKey()));
        client.putPeer(PeerConfig.of(listener.publicKey()));
    }

    private static ByteBuffer wrap(OutboundDatagram d) {
        return ByteBuffer.wrap(d.bytes());
    }

    private static byte[] inner(int n) {
        byte[] p = new byte[20 + n];
        p[0] = 0x45;
        p[3] = (byte) p.length;
        for (int i = 20; i < p.length; i++) p[i] = (byte) i;
        return p;
    }

    private SealResult seal(WireGuardListenerEngine e, PeerKey to, byte[] packet, ByteBuffer out, long now) {
        return e.seal(to, ByteBuffer.wrap(packet), out, now);
    }

    /** Handshake: initiation → response → our keepalive; returns the keepalive's result at the client. */
    private InboundResult handshake(long now) {
        OutboundDatagram init = listener.initiate(client.publicKey(), CLIENT, now, EPOCH + now).orElseThrow();
        assertEquals(CLIENT, init.to());
        InboundResult atClient = client.receive(wrap(init), LISTENER, now);
        assertNull(atClient.drop());
        InboundResult atListener = listener.receive(wrap(atClient.toSend().get(0)), CLIENT, now);
        assertNull(atListener.drop());
        assertEquals(SessionEvent.Kind.ESTABLISHED, atListener.events().get(0).kind());
        assertEquals(CLIENT, atListener.events().get(0).endpoint());
        return client.receive(wrap(atListener.toSend().get(0)), LISTENER, now);
    }

    @Test
    void weInitiateAndBothSidesCanSendAtOnce() {
        long now = 10 * S;
        assertEquals(DiscardReason.NoSession, seal(listener, client.publicKey(), inner(10), ByteBuffer.allocate(2048), now).discard());
        InboundResult confirmed = handshake(now);
        assertNull(confirmed.drop());
        assertEquals(SessionEvent.Kind.ESTABLISHED, confirmed.events().get(0).kind(), "our keepalive confirms it at the peer");

        ByteBuffer out = ByteBuffer.allocate(2048);
        byte[] data = inner(100);
        SealResult s = seal(listener, client.publicKey(), data, out, now);
        assertTrue(s.isSealed(), "the initiator sends on the new keypair at once");
        InboundResult got = client.receive(out.flip(), LISTENER, now);
        assertArrayEquals(data, got.delivered().get(0).packet());

        ByteBuffer back = ByteBuffer.allocate(2048);
        assertTrue(seal(client, listener.publicKey(), data, back, now).isSealed());
        assertArrayEquals(data, listener.receive(back.flip(), CLIENT, now).delivered().get(0).packet());
    }

    @Test
    void oneInitiationPerPeerPerRekeyTimeoutAndOnlyToAllowedPeers() {
        long now = 10 * S;
        assertTrue(listener.initiate(client.publicKey(), CLIENT, now, EPOCH + now).isPresent());
        assertEquals(Optional.empty(), listener.initiate(client.publicKey(), CLIENT, now + 4 * S, EPOCH + now + 4 * S));
        assertTrue(listener.initiate(client.publicKey(), CLIENT, now + 5 * S, EPOCH + now + 5 * S).isPresent());
        assertEquals(Optional.empty(), listener.initiate(PeerKey.of(WireGuardTestKeys.key(77)), CLIENT, now, EPOCH));
    }

    @Test
    void timestampsOnlyGoForwardEvenWhenTheWallClockSteps() {
        long now = 10 * S;
        OutboundDatagram first = listener.initiate(client.publicKey(), CLIENT, now, EPOCH + now).orElseThrow();
        assertNull(client.receive(wrap(first), LISTENER, now).drop());
        // The wall clock stepped back a minute: the next initiation is still later than the last.
        long later = now + 6 * S;
        OutboundDatagram second = listener.initiate(client.publicKey(), CLIENT, later, EPOCH + now - 60 * S).orElseThrow();
        assertNull(client.receive(wrap(second), LISTENER, later).drop(), "not STALE_TIMESTAMP at the peer");
    }

    @Test
    void aStaleOrUnsolicitedResponseIsIgnored() {
        long now = 10 * S;
        OutboundDatagram init = listener.initiate(client.publicKey(), CLIENT, now, EPOCH + now).orElseThrow();
        OutboundDatagram response = client.receive(wrap(init), LISTENER, now).toSend().get(0);
        assertEquals(InboundDrop.UNEXPECTED, listener.receive(wrap(response), CLIENT, now + 5 * S).drop(), "after RekeyTimeout");
        assertEquals(InboundDrop.UNEXPECTED, listener.receive(wrap(response), CLIENT, now + 5 * S).drop());
    }

    @Test
    void theInitiatorRekeysOnAgeBecauseItsResponderNeverWill() {
        long now = 10 * S;
        handshake(now);
        long later = now + WireGuardProtocol.REKEY_AFTER_TIME;
        List<OutboundDatagram> sent = listener.tick(later, EPOCH + later).toSend();
        assertTrue(sent.stream().anyMatch(d -> (d.bytes()[0] & 0xFF) == 1), "an initiation after RekeyAfterTime");
        assertTrue(listener.tick(now + S, EPOCH + now + S).toSend().stream().noneMatch(d -> (d.bytes()[0] & 0xFF) == 1));
    }
}
