package com.proxylity.packetsource.core.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The engine notices an initiation flood by itself: mac1 only proves knowledge of the Listener's
 * public key (which is public), and each initiation past it costs several X25519 operations on
 * the Listener's thread. Beyond the configured rate, initiations need a cookie (mac2).
 */
class WireGuardHandshakeLoadTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void initiationsBeyondTheRateGetCookieRepliesUntilTheFloodStops() {
        WireGuardListenerEngine engine = WireGuardListenerEngine.builder(WireGuardTestKeys.key(1))
                .entropy(WireGuardTestKeys.seeded(901)).handshakesPerSecond(2).build();
        WireGuardTestPeer peer = new WireGuardTestPeer(WireGuardTestKeys.key(100), engine.publicKey(), null,
                WireGuardTestKeys.seeded(902));
        engine.putPeer(PeerConfig.of(peer.publicKey()));
        long now = WireGuardEngineFixture.T0;
        long wall = WireGuardEngineFixture.EPOCH;

        for (int i = 0; i < 2; i++) {
            now += WireGuardProtocol.HANDSHAKE_INITIATION_RATE;
            InboundResult r = receive(engine, peer.initiation(++wall, 0), now);
            assertTrue(r.accepted(), () -> "within the rate: " + r.drop());
        }
        now += WireGuardProtocol.HANDSHAKE_INITIATION_RATE;
        InboundResult flood = receive(engine, peer.initiation(++wall, 0), now);
        assertEquals(InboundDrop.COOKIE_REQUIRED, flood.drop(), "the third initiation within a second needs a cookie");
        assertTrue(peer.consumeCookieReply(flood.toSend().get(0).bytes()));

        // An honest peer retries with mac2 and gets through while the load lasts.
        now += WireGuardProtocol.HANDSHAKE_INITIATION_RATE;
        InboundResult withCookie = receive(engine, peer.initiation(++wall, 0), now);
        assertTrue(withCookie.accepted(), () -> "with mac2: " + withCookie.drop());

        // Quiet for longer than the load lasts: answered again without a cookie.
        WireGuardTestPeer other = new WireGuardTestPeer(WireGuardTestKeys.key(101), engine.publicKey(), null,
                WireGuardTestKeys.seeded(903));
        engine.putPeer(PeerConfig.of(other.publicKey()));
        now += 3 * SECOND;
        InboundResult later = receive(engine, other.initiation(++wall, 0), now);
        assertTrue(later.accepted(), () -> "after the flood: " + later.drop());
    }

    private static InboundResult receive(WireGuardListenerEngine engine, byte[] datagram, long now) {
        return engine.receive(ByteBuffer.wrap(datagram), WireGuardEngineFixture.CLIENT, now);
    }
}
