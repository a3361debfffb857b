package com.proxylity.packetsource.core.wireguard;

import static org.junit.jupiter.api.Assertions.*;

import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** A Listener engine and one allowed test peer, with a fake monotonic clock. */
final class WireGuardEngineFixture {
    static final InetSocketAddress CLIENT = new InetSocketAddress("198.51.100.7", 40000);
    static final long T0 = 1_000_000_000_000L;
    /** Wall-clock second the test peer stamps its first initiation with. */
    static final long EPOCH = 1_800_000_000L;

    private static final java.util.concurrent.atomic.AtomicLong SEEDS = new java.util.concurrent.atomic.AtomicLong(1);

    final WireGuardListenerEngine engine;
    final WireGuardTestPeer peer;
    long now = T0;
    long wallSecond = EPOCH;

    WireGuardEngineFixture() {
        this(ChaChaPoly.preferred(), null, null);
    }

    WireGuardEngineFixture(ChaChaPoly aead, byte[] engineSidePsk, byte[] peerSidePsk) {
        // Fixed static keys, but distinct ephemerals per fixture: ciphers refuse to be initialised
        // twice in a row with the same key and nonce, which identical sessions would do.
        long seed = SEEDS.getAndAdd(2);
        engine = WireGuardListenerEngine.builder(WireGuardTestKeys.key(1)).entropy(WireGuardTestKeys.seeded(seed)).aead(aead).build();
        peer = new WireGuardTestPeer(WireGuardTestKeys.key(100), engine.publicKey(), peerSidePsk, WireGuardTestKeys.seeded(seed + 1));
        engine.putPeer(new PeerConfig(peer.publicKey(), engineSidePsk, 0));
    }

    InboundResult deliver(byte[] datagram) {
        return deliver(datagram, CLIENT);
    }

    InboundResult deliver(byte[] datagram, InetSocketAddress from) {
        return engine.receive(ByteBuffer.wrap(datagram), from, now);
    }

    byte[] nextInitiation() {
        wallSecond++;
        return peer.initiation(wallSecond, 0);
    }

    /** Initiation, response, confirming keepalive: a session usable for sending. */
    InboundResult handshake() {
        InboundResult r = deliver(nextInitiation());
        assertTrue(r.accepted(), () -> "initiation dropped: " + r.drop());
        assertEquals(1, r.toSend().size());
        assertTrue(peer.consumeResponse(r.toSend().get(0).bytes()), "the peer accepts our response");
        InboundResult confirm = deliver(peer.seal(new byte[0]));
        assertTrue(confirm.accepted(), () -> "keepalive dropped: " + confirm.drop());
        return confirm;
    }

    SealResult seal(byte[] inner, ByteBuffer out) {
        return engine.seal(peer.publicKey(), ByteBuffer.wrap(inner), out, now);
    }

    byte[] sealBytes(byte[] inner) {
        ByteBuffer out = ByteBuffer.allocate(engine.sealedSize(inner.length));
        SealResult r = seal(inner, out);
        assertTrue(r.isSealed(), r::toString);
        assertEquals(out.capacity(), r.length());
        return out.array();
    }

    static byte[] ipv4Packet(int totalLength) {
        byte[] p = new byte[totalLength];
        p[0] = 0x45;
        p[2] = (byte) (totalLength >>> 8);
        p[3] = (byte) totalLength;
        for (int i = 20; i < totalLength; i++) p[i] = (byte) i;
        return p;
    }
}
