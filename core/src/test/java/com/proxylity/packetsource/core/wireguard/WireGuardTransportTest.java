package com.proxylity.packetsource.core.wireguard;

import static org.junit.jupiter.api.Assertions.*;

import com.proxylity.packetsource.core.contract.DiscardReason;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Transport data: replay, limits, expiry, rekeying, roaming and keepalive timers through the engine. */
class WireGuardTransportTest {

    @Test
    void duplicateAndForgedTransportIsDropped() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        f.handshake();
        byte[] data = f.peer.seal(WireGuardEngineFixture.ipv4Packet(40));
        assertTrue(f.deliver(data).accepted());
        assertEquals(InboundDrop.REPLAY, f.deliver(data).drop());
        byte[] forged = f.peer.seal(WireGuardEngineFixture.ipv4Packet(40));
        forged[30] ^= 1;
        assertEquals(InboundDrop.DECRYPT_FAILED, f.deliver(forged).drop());
    }

    @Test
    void sendingStopsAtRejectAfterMessages() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        f.handshake();
        Keypair kp = f.engine.currentKeypair(f.peer.publicKey());
        kp.setSendCounterForTest(WireGuardProtocol.REJECT_AFTER_MESSAGES - 2);
        byte[] inner = WireGuardEngineFixture.ipv4Packet(20);
        WireGuardTestPeer.Opened a = f.peer.openWithCounter(f.sealBytes(inner));
        WireGuardTestPeer.Opened b = f.peer.openWithCounter(f.sealBytes(inner));
        assertEquals(WireGuardProtocol.REJECT_AFTER_MESSAGES - 2, a.counter());
        assertEquals(WireGuardProtocol.REJECT_AFTER_MESSAGES - 1, b.counter(), "the last counter allowed");
        for (int i = 0; i < 3; i++) {
            ByteBuffer out = ByteBuffer.allocate(128);
            assertEquals(DiscardReason.SessionExpired, f.seal(inner, out).discard());
            assertEquals(0, out.position(), "nothing written");
        }
        assertTrue(f.engine.sessionInfo(f.peer.publicKey(), f.now).isEmpty());
        // A new handshake gives a fresh keypair and fresh counters.
        f.now += WireGuardProtocol.HANDSHAKE_INITIATION_RATE;
        f.handshake();
        assertEquals(0, f.peer.openWithCounter(f.sealBytes(inner)).counter(),
                "a new keypair counts from 0 (the confirming keepalive was not answered: we sent within KeepaliveTimeout)");
    }

    @Test
    void keypairIsNotUsedAfterRejectAfterTime() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        long t0 = f.now;
        f.handshake();
        byte[] inner = WireGuardEngineFixture.ipv4Packet(20);
        f.now = t0 + WireGuardProtocol.REJECT_AFTER_TIME - 1;
        assertTrue(f.seal(inner, ByteBuffer.allocate(128)).isSealed());
        assertEquals(t0 + WireGuardProtocol.REJECT_AFTER_TIME, f.engine.sessionInfo(f.peer.publicKey(), f.now).orElseThrow().expiresNanos());
        f.now = t0 + WireGuardProtocol.REJECT_AFTER_TIME;
        assertEquals(DiscardReason.SessionExpired, f.seal(inner, ByteBuffer.allocate(128)).discard());
        assertEquals(InboundDrop.KEYPAIR_EXPIRED, f.deliver(f.peer.seal(inner)).drop(), "nor accepted");
        TickResult tick = f.engine.tick(f.now);
        assertEquals(SessionEvent.Kind.EXPIRED, tick.events().get(0).kind());
        assertEquals(DiscardReason.SessionExpired, f.seal(inner, ByteBuffer.allocate(128)).discard(), "still expired, not unknown");
        assertEquals(InboundDrop.UNKNOWN_INDEX, f.deliver(f.peer.seal(inner)).drop(), "keys erased and index freed");
        assertTrue(f.engine.tick(f.now + 1).events().isEmpty(), "EXPIRED is reported once");
        f.handshake();
        assertTrue(f.seal(inner, ByteBuffer.allocate(128)).isSealed());
    }

    @Test
    void retiredKeysAreErasedAfterAGraceAndNeverSealWithWipedKeys() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        long t0 = f.now;
        f.handshake();
        Keypair kp = f.engine.currentKeypair(f.peer.publicKey());
        f.now = t0 + WireGuardProtocol.REJECT_AFTER_TIME;
        f.engine.tick(f.now);
        assertEquals(1, f.engine.retiredAwaitingErasure());
        assertFalse(kp.destroyed, "a seal that read the keypair just before expiry may still be running");
        f.engine.tick(f.now + WireGuardListenerEngine.ERASE_GRACE);
        assertEquals(0, f.engine.retiredAwaitingErasure());
        assertTrue(kp.destroyed);

        // Should erasure ever overlap a seal, the output is discarded, never sent.
        WireGuardEngineFixture g = new WireGuardEngineFixture();
        g.handshake();
        g.engine.currentKeypair(g.peer.publicKey()).destroy();
        ByteBuffer out = ByteBuffer.allocate(128);
        ByteBuffer inner = ByteBuffer.wrap(new byte[20]);
        assertEquals(DiscardReason.SessionExpired, g.engine.seal(g.peer.publicKey(), inner, out, g.now).discard());
        assertEquals(0, out.position());
        assertEquals(0, inner.position());
    }

    @Test
    void changingAPeersConfigKeepsItsReplayDefence() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        byte[] old = f.nextInitiation();
        assertTrue(f.deliver(old).accepted());
        f.engine.putPeer(new PeerConfig(f.peer.publicKey(), WireGuardTestKeys.key(5), 0));
        f.now += WireGuardProtocol.REKEY_TIMEOUT;
        assertEquals(InboundDrop.STALE_TIMESTAMP, f.deliver(old).drop());
    }

    @Test
    void rekeyKeepsSendingOnTheOldKeypairUntilTheNewOneIsConfirmed() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        f.handshake();
        Keypair first = f.engine.currentKeypair(f.peer.publicKey());
        f.now += WireGuardProtocol.REKEY_AFTER_TIME;
        InboundResult init = f.deliver(f.nextInitiation());
        assertTrue(init.accepted());
        assertSame(first, f.engine.currentKeypair(f.peer.publicKey()), "new keypair waits in 'next'");
        byte[] onOld = f.sealBytes(WireGuardEngineFixture.ipv4Packet(20));
        assertEquals(first.remoteIndex, Noise.le32(onOld, 4));
        assertTrue(f.peer.consumeResponse(init.toSend().get(0).bytes()));
        InboundResult confirm = f.deliver(f.peer.seal(new byte[0]));
        assertEquals(SessionEvent.Kind.ESTABLISHED, confirm.events().get(0).kind());
        Keypair second = f.engine.currentKeypair(f.peer.publicKey());
        assertNotSame(first, second);
        byte[] onNew = f.sealBytes(WireGuardEngineFixture.ipv4Packet(20));
        assertEquals(second.remoteIndex, Noise.le32(onNew, 4));
        assertNotNull(f.peer.open(onNew));
        // The previous keypair still receives (packets in flight during the switch).
        assertTrue(f.engine.tick(f.now).events().isEmpty());
    }

    @Test
    void endpointRoamsOnlyOnAuthenticatedPackets() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        f.handshake();
        InetSocketAddress roamed = new InetSocketAddress("203.0.113.50", 51000);
        byte[] forged = f.peer.seal(WireGuardEngineFixture.ipv4Packet(20));
        forged[20] ^= 1;
        assertEquals(InboundDrop.DECRYPT_FAILED, f.deliver(forged, roamed).drop());
        assertEquals(WireGuardEngineFixture.CLIENT, f.seal(new byte[20], ByteBuffer.allocate(128)).endpoint());
        byte[] replayed = f.peer.seal(WireGuardEngineFixture.ipv4Packet(20));
        assertTrue(f.deliver(replayed).accepted());
        assertEquals(InboundDrop.REPLAY, f.deliver(replayed, roamed).drop(), "a replay from elsewhere does not move us");
        assertEquals(WireGuardEngineFixture.CLIENT, f.seal(new byte[20], ByteBuffer.allocate(128)).endpoint());

        InboundResult moved = f.deliver(f.peer.seal(WireGuardEngineFixture.ipv4Packet(20)), roamed);
        assertEquals(SessionEvent.Kind.ENDPOINT_CHANGED, moved.events().get(0).kind());
        assertEquals(roamed, moved.events().get(0).endpoint());
        assertEquals(roamed, f.seal(new byte[20], ByteBuffer.allocate(128)).endpoint());
        assertEquals(roamed, f.engine.sessionInfo(f.peer.publicKey(), f.now).orElseThrow().endpoint());
    }

    @Test
    void passiveKeepaliveAfterDataWhenWeSentNothing() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        f.handshake();
        f.now += WireGuardProtocol.KEEPALIVE_TIMEOUT;
        assertTrue(f.deliver(f.peer.seal(WireGuardEngineFixture.ipv4Packet(30))).accepted());
        assertTrue(f.engine.tick(f.now + WireGuardProtocol.KEEPALIVE_TIMEOUT - 1).toSend().isEmpty());
        TickResult due = f.engine.tick(f.now + WireGuardProtocol.KEEPALIVE_TIMEOUT);
        assertEquals(1, due.toSend().size());
        assertArrayEquals(new byte[0], f.peer.open(due.toSend().get(0).bytes()));
        assertTrue(f.engine.tick(f.now + 2 * WireGuardProtocol.KEEPALIVE_TIMEOUT).toSend().isEmpty(), "once");

        // Data we send in the meantime makes the keepalive unnecessary.
        f.now += 3 * WireGuardProtocol.KEEPALIVE_TIMEOUT;
        assertTrue(f.deliver(f.peer.seal(WireGuardEngineFixture.ipv4Packet(30))).accepted());
        f.now += 1;
        f.sealBytes(WireGuardEngineFixture.ipv4Packet(20));
        assertTrue(f.engine.tick(f.now + WireGuardProtocol.KEEPALIVE_TIMEOUT).toSend().isEmpty());
    }

    @Test
    void keepalivesAreAnsweredButNotMoreOftenThanKeepaliveTimeout() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        f.handshake(); // the confirming keepalive was answered
        f.now += WireGuardProtocol.KEEPALIVE_TIMEOUT - 1;
        assertTrue(f.deliver(f.peer.seal(new byte[0])).toSend().isEmpty());
        f.now += 1;
        assertEquals(1, f.deliver(f.peer.seal(new byte[0])).toSend().size());
    }

    @Test
    void persistentKeepaliveKeepsTheFlowOpen() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        f.engine.putPeer(new PeerConfig(f.peer.publicKey(), null, 25_000_000_000L));
        f.handshake();
        assertTrue(f.engine.tick(f.now + 24_000_000_000L).toSend().isEmpty());
        TickResult t = f.engine.tick(f.now + 25_000_000_000L);
        assertEquals(1, t.toSend().size());
        assertEquals(WireGuardEngineFixture.CLIENT, t.toSend().get(0).to());
    }

    @Test
    void sealWritesNothingOnRefusalAndChecksTheBuffer() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        f.handshake();
        ByteBuffer small = ByteBuffer.allocate(f.engine.sealedSize(100) - 1);
        assertThrows(IllegalArgumentException.class, () -> f.seal(new byte[100], small));
        assertEquals(0, small.position());
        ByteBuffer huge = ByteBuffer.allocate(70_000);
        assertEquals(DiscardReason.TooLarge, f.seal(new byte[WireGuardProtocol.MAX_CONTENT_SIZE + 1], huge).discard());
        // A full-MTU packet is not padded past the MTU.
        assertEquals(16 + 1420 + 16, f.engine.sealedSize(1420));
        assertEquals(16 + 1408 + 16, f.engine.sealedSize(1401));
        byte[] sealed = f.sealBytes(WireGuardEngineFixture.ipv4Packet(1420));
        assertEquals(1420, f.peer.open(sealed).length);
        assertArrayEquals(WireGuardEngineFixture.ipv4Packet(1420), f.peer.open(f.sealBytes(WireGuardEngineFixture.ipv4Packet(1420))));
        assertTrue(Arrays.equals(new byte[0], f.peer.open(f.sealBytes(new byte[0]))), "an empty packet is a keepalive");
    }
}
