package com.proxylity.packetsource.core.wireguard;

import static org.junit.jupiter.api.Assertions.*;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.wireguard.crypto.Blake2s;
import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import com.proxylity.packetsource.core.wireguard.crypto.Tai64n;
import com.proxylity.packetsource.core.wireguard.crypto.X25519Keys;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Noise_IKpsk2 handshake: transcripts on both sides, and every way an initiation is refused. */
class WireGuardHandshakeTest {

    @Test
    void initiatorAndResponderTranscriptsDeriveTheSameKeys() {
        byte[] rPriv = X25519Keys.privateKeyFrom(WireGuardTestKeys.key(1));
        byte[] rPub = X25519Keys.publicKey(rPriv);
        byte[] iPriv = X25519Keys.privateKeyFrom(WireGuardTestKeys.key(100));
        byte[] psk = WireGuardTestKeys.key(7);
        Noise.Initiator init = new Noise.Initiator(iPriv, rPub, psk, 0x11223344);
        byte[] msg = init.writeInitiation(X25519Keys.privateKeyFrom(WireGuardTestKeys.key(50)), Tai64n.of(EPOCH_S, 0));
        assertEquals(WireGuardProtocol.MESSAGE_INITIATION_SIZE, msg.length);
        assertEquals(1, msg[0]);
        assertEquals(0x11223344, Noise.le32(msg, 4), "sender index, little-endian");

        Noise.ResponderState s = Noise.readInitiationStatic(msg, rPriv, Noise.responderHash0(rPub));
        assertNotNull(s);
        assertArrayEquals(X25519Keys.publicKey(iPriv), s.initiatorStatic, "responder learns the initiator's static key");
        assertTrue(Noise.readInitiationTimestamp(s, msg, X25519Keys.dh(rPriv, s.initiatorStatic)));
        assertArrayEquals(Tai64n.of(EPOCH_S, 0), s.timestamp);

        byte[] resp = new byte[WireGuardProtocol.MESSAGE_RESPONSE_SIZE];
        Noise.TransportKeys rKeys = Noise.writeResponse(s, X25519Keys.privateKeyFrom(WireGuardTestKeys.key(60)), psk, 0x55667788, resp);
        Noise.TransportKeys iKeys = init.readResponse(resp);
        assertNotNull(iKeys);
        assertArrayEquals(iKeys.send(), rKeys.receive(), "initiator->responder key");
        assertArrayEquals(iKeys.receive(), rKeys.send(), "responder->initiator key");
        assertFalse(Arrays.equals(iKeys.send(), iKeys.receive()));

        byte[] again = new Noise.Initiator(iPriv, rPub, psk, 0x11223344)
                .writeInitiation(X25519Keys.privateKeyFrom(WireGuardTestKeys.key(50)), Tai64n.of(EPOCH_S, 0));
        assertArrayEquals(msg, again);

        // A different PSK on one side: the responder still answers, the initiator refuses the answer.
        Noise.Initiator wrongPsk = new Noise.Initiator(iPriv, rPub, new byte[32], 1);
        byte[] m2 = wrongPsk.writeInitiation(X25519Keys.privateKeyFrom(WireGuardTestKeys.key(51)), Tai64n.of(EPOCH_S + 1, 0));
        Noise.ResponderState s2 = Noise.readInitiationStatic(m2, rPriv, Noise.responderHash0(rPub));
        assertTrue(Noise.readInitiationTimestamp(s2, m2, X25519Keys.dh(rPriv, s2.initiatorStatic)));
        byte[] r2 = new byte[WireGuardProtocol.MESSAGE_RESPONSE_SIZE];
        Noise.writeResponse(s2, X25519Keys.privateKeyFrom(WireGuardTestKeys.key(61)), psk, 2, r2);
        assertNull(wrongPsk.readResponse(r2));
    }

    private static final long EPOCH_S = WireGuardEngineFixture.EPOCH;

    /**
     * Known answer for a whole handshake: messages and transport keys computed by an independent
     * implementation (Python hashlib BLAKE2s/HMAC + pyca/cryptography X25519 and ChaCha20-Poly1305,
     * straight from the paper's equations) for fixed keys, ephemerals, indices, timestamp and PSK.
     */
    @Test
    void transcriptMatchesAnIndependentImplementation() {
        java.util.HexFormat hex = java.util.HexFormat.of();
        byte[] rPriv = X25519Keys.privateKeyFrom(WireGuardTestKeys.key(1));
        byte[] iPriv = X25519Keys.privateKeyFrom(WireGuardTestKeys.key(100));
        byte[] rPub = X25519Keys.publicKey(rPriv);
        byte[] iPub = X25519Keys.publicKey(iPriv);
        Noise.Initiator init = new Noise.Initiator(iPriv, rPub, WireGuardTestKeys.key(7), 0x11223344);
        byte[] msg = init.writeInitiation(X25519Keys.privateKeyFrom(WireGuardTestKeys.key(50)), Tai64n.of(EPOCH_S, 0));
        byte[] mac1 = Blake2s.mac(Blake2s.hash(WireGuardProtocol.LABEL_MAC1, rPub), msg, 0, Noise.INIT_MAC1);
        System.arraycopy(mac1, 0, msg, Noise.INIT_MAC1, 16);
        assertEquals("0100000044332211e05b1ae322024838095ffdefd865468ddb77b14b2dd275175ea0ab4294fa6d7ae2be64007febea529c55e9a1d5e6d5"
                + "29af68f859573235415019db6cb8aea2fac9d3e5e2175f816ef7ab8aa0ef45eca90b7eb78120aea309ce9fbee395dfd954f19d2ab927141d98cde8"
                + "50d8fcd842b86ea4de6008b99ba51c5fa9be00000000000000000000000000000000", hex.formatHex(msg));

        Noise.ResponderState s = Noise.readInitiationStatic(msg, rPriv, Noise.responderHash0(rPub));
        assertTrue(Noise.readInitiationTimestamp(s, msg, X25519Keys.dh(rPriv, iPub)));
        byte[] resp = new byte[WireGuardProtocol.MESSAGE_RESPONSE_SIZE];
        Noise.TransportKeys rKeys = Noise.writeResponse(s, X25519Keys.privateKeyFrom(WireGuardTestKeys.key(60)),
                WireGuardTestKeys.key(7), 0x55667788, resp);
        byte[] rMac1 = Blake2s.mac(Blake2s.hash(WireGuardProtocol.LABEL_MAC1, iPub), resp, 0, Noise.RESP_MAC1);
        System.arraycopy(rMac1, 0, resp, Noise.RESP_MAC1, 16);
        assertEquals("020000008877665544332211eb0413e4a167f0683bc86acfc59ecc279931ae779e55cbe5d7af6fc7e1a1c368c644ff77e5896afbc5"
                + "ae3dfe31d5513397ae7f34c1bbaf63cf397bf49246348d00000000000000000000000000000000", hex.formatHex(resp));
        assertEquals("5618e719d19ed57c881b9d3880fbe93ff7a3689891d3fb0f277701f9c4d4b7c0", hex.formatHex(rKeys.receive()), "initiator->responder");
        assertEquals("580a5ec9ae76acf2e4f034bb5204b2910ac251d4bd77a85d8af45d0d762eb3e9", hex.formatHex(rKeys.send()), "responder->initiator");
        Noise.TransportKeys iKeys = init.readResponse(resp);
        assertArrayEquals(rKeys.receive(), iKeys.send());
        assertArrayEquals(rKeys.send(), iKeys.receive());
    }

    @ParameterizedTest
    @MethodSource("com.proxylity.packetsource.core.testing.TransportAeads#usable")
    void fullHandshakeThenTransportBothWays(ChaChaPoly aead) {
        WireGuardEngineFixture f = new WireGuardEngineFixture(aead, null, null);
        InboundResult init = f.deliver(f.nextInitiation());
        assertTrue(init.accepted());
        assertEquals(f.peer.publicKey(), init.peer());
        OutboundDatagram response = init.toSend().get(0);
        assertEquals(WireGuardProtocol.MESSAGE_RESPONSE_SIZE, response.bytes().length);
        assertEquals(WireGuardEngineFixture.CLIENT, response.to());
        assertTrue(init.events().isEmpty(), "not established before the initiator confirms");

        // Responder semantics: no sending until the initiator used the new keys.
        ByteBuffer out = ByteBuffer.allocate(256);
        assertEquals(DiscardReason.NoSession, f.seal(new byte[20], out).discard());
        assertEquals(0, out.position());
        assertTrue(f.engine.sessionInfo(f.peer.publicKey(), f.now).isEmpty());

        assertTrue(f.peer.consumeResponse(response.bytes()));
        InboundResult confirm = f.deliver(f.peer.seal(new byte[0]));
        assertTrue(confirm.accepted());
        assertTrue(confirm.delivered().isEmpty(), "a keepalive delivers nothing");
        SessionEvent est = confirm.events().get(0);
        assertEquals(SessionEvent.Kind.ESTABLISHED, est.kind());
        assertEquals(WireGuardEngineFixture.CLIENT, est.endpoint());
        assertEquals(f.now + WireGuardProtocol.REJECT_AFTER_TIME, est.expiresNanos());
        // We answer the keepalive (docs/architecture.md#wireguard-rules), on the new keys.
        assertEquals(1, confirm.toSend().size());
        assertArrayEquals(new byte[0], f.peer.open(confirm.toSend().get(0).bytes()));

        // Listener -> peer: a 21-byte IPv4 packet padded to 32.
        byte[] inner = WireGuardEngineFixture.ipv4Packet(21);
        ByteBuffer buf = ByteBuffer.allocate(f.engine.sealedSize(21));
        assertEquals(16 + 32 + 16, buf.capacity());
        SealResult sealed = f.seal(inner, buf);
        assertTrue(sealed.isSealed());
        assertEquals(WireGuardEngineFixture.CLIENT, sealed.endpoint());
        byte[] opened = f.peer.open(buf.array());
        assertArrayEquals(inner, Arrays.copyOf(opened, 21));
        assertArrayEquals(new byte[11], Arrays.copyOfRange(opened, 21, 32), "zero padding");

        // Peer -> Listener: delivered with the padding stripped by the IP length.
        InboundResult data = f.deliver(f.peer.seal(inner));
        assertEquals(1, data.delivered().size());
        assertArrayEquals(inner, data.delivered().get(0).packet());
        SessionInfo info = f.engine.sessionInfo(f.peer.publicKey(), f.now).orElseThrow();
        assertEquals(2, info.sentMessages(), "keepalive answer and one packet");
    }

    @Test
    void preSharedKeyMustMatch() {
        byte[] psk = WireGuardTestKeys.key(9);
        new WireGuardEngineFixture(ChaChaPoly.preferred(), psk, psk).handshake();

        WireGuardEngineFixture mismatch = new WireGuardEngineFixture(ChaChaPoly.preferred(), psk, null);
        InboundResult r = mismatch.deliver(mismatch.nextInitiation());
        assertTrue(r.accepted(), "psk2 mixes the key in after the responder authenticated the initiator");
        assertFalse(mismatch.peer.consumeResponse(r.toSend().get(0).bytes()), "so the initiator rejects the response");
    }

    @Test
    void tamperedMac1IsRejected() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        byte[] msg = f.nextInitiation();
        msg[Noise.INIT_MAC1] ^= 1;
        assertEquals(InboundDrop.BAD_MAC1, f.deliver(msg).drop());
        byte[] body = f.nextInitiation();
        body[20] ^= 1; // inside the ephemeral key, covered by mac1
        assertEquals(InboundDrop.BAD_MAC1, f.deliver(body).drop());
    }

    @Test
    void tamperedBodyWithValidMac1FailsTheHandshake() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        byte[] msg = f.nextInitiation();
        msg[Noise.INIT_STATIC + 3] ^= 1;
        byte[] mac1 = Blake2s.mac(Blake2s.hash(WireGuardProtocol.LABEL_MAC1, f.engine.publicKey().bytes()), msg, 0, Noise.INIT_MAC1);
        System.arraycopy(mac1, 0, msg, Noise.INIT_MAC1, 16);
        assertEquals(InboundDrop.HANDSHAKE_FAILED, f.deliver(msg).drop());
    }

    @Test
    void replayedInitiationIsRejected() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        byte[] msg = f.nextInitiation();
        assertTrue(f.deliver(msg).accepted());
        f.now += 1_000_000_000L;
        InboundResult again = f.deliver(msg);
        assertEquals(InboundDrop.STALE_TIMESTAMP, again.drop());
        assertTrue(again.toSend().isEmpty(), "no response to a replay");
    }

    @Test
    void staleTimestampIsRejected() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        assertTrue(f.deliver(f.peer.initiation(WireGuardEngineFixture.EPOCH + 100, 0)).accepted());
        f.now += 1_000_000_000L;
        assertEquals(InboundDrop.STALE_TIMESTAMP, f.deliver(f.peer.initiation(WireGuardEngineFixture.EPOCH + 99, 0)).drop());
        assertEquals(InboundDrop.STALE_TIMESTAMP, f.deliver(f.peer.initiation(WireGuardEngineFixture.EPOCH + 100, 0)).drop());
        assertTrue(f.deliver(f.peer.initiation(WireGuardEngineFixture.EPOCH + 100, 50_000_000)).accepted());
    }

    @Test
    void initiationsFasterThanTheRateAreFlood() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        assertTrue(f.deliver(f.nextInitiation()).accepted());
        f.now += WireGuardProtocol.HANDSHAKE_INITIATION_RATE - 1;
        assertEquals(InboundDrop.FLOOD, f.deliver(f.nextInitiation()).drop());
        f.now += 1;
        assertTrue(f.deliver(f.nextInitiation()).accepted());
    }

    @Test
    void unknownPeerIsRejected() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        WireGuardTestPeer stranger = new WireGuardTestPeer(WireGuardTestKeys.key(200), f.engine.publicKey(), null,
                WireGuardTestKeys.seeded(3));
        InboundResult r = f.deliver(stranger.initiation(WireGuardEngineFixture.EPOCH, 0));
        assertEquals(InboundDrop.UNKNOWN_PEER, r.drop());
        assertTrue(r.toSend().isEmpty());
        assertEquals(DiscardReason.NoSession,
                f.engine.seal(stranger.publicKey(), ByteBuffer.allocate(1), ByteBuffer.allocate(64), f.now).discard());

        // An initiation for another Listener's key fails mac1 here.
        WireGuardTestPeer wrongListener = new WireGuardTestPeer(WireGuardTestKeys.key(100),
                PeerKey.of(X25519Keys.publicKey(X25519Keys.privateKeyFrom(WireGuardTestKeys.key(33)))), null, WireGuardTestKeys.seeded(4));
        assertEquals(InboundDrop.BAD_MAC1, f.deliver(wrongListener.initiation(WireGuardEngineFixture.EPOCH + 5, 0)).drop());
    }

    @Test
    void removedPeerLosesItsSession() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        f.handshake();
        f.engine.putPeer(PeerConfig.of(f.peer.publicKey()));
        assertTrue(f.seal(new byte[20], ByteBuffer.allocate(128)).isSealed(), "re-putting the same config keeps the session");
        assertTrue(f.engine.removePeer(f.peer.publicKey()));
        assertEquals(DiscardReason.NoSession, f.seal(new byte[20], ByteBuffer.allocate(128)).discard());
        assertEquals(InboundDrop.UNKNOWN_INDEX, f.deliver(f.peer.seal(new byte[0])).drop());
    }

    @Test
    void underLoadAnInitiationNeedsACookie() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        f.engine.setUnderLoad(true);
        InboundResult r = f.deliver(f.nextInitiation());
        assertEquals(InboundDrop.COOKIE_REQUIRED, r.drop());
        byte[] reply = r.toSend().get(0).bytes();
        assertEquals(WireGuardProtocol.MESSAGE_COOKIE_REPLY_SIZE, reply.length);
        assertEquals(WireGuardProtocol.MESSAGE_COOKIE_REPLY, reply[0]);
        assertTrue(f.peer.consumeCookieReply(reply), "the peer decrypts the cookie with our public key and its mac1");

        f.now += WireGuardProtocol.HANDSHAKE_INITIATION_RATE;
        byte[] withMac2 = f.nextInitiation();
        InboundResult ok = f.deliver(withMac2);
        assertTrue(ok.accepted(), () -> "dropped: " + ok.drop());

        // The cookie is bound to the source address: from elsewhere it is worthless.
        f.now += WireGuardProtocol.HANDSHAKE_INITIATION_RATE;
        InboundResult moved = f.deliver(f.nextInitiation(), new InetSocketAddress("198.51.100.8", 40000));
        assertEquals(InboundDrop.COOKIE_REQUIRED, moved.drop());

        // And it expires with the secret after CookieRefreshTime.
        f.now += WireGuardProtocol.COOKIE_REFRESH_TIME;
        assertEquals(InboundDrop.COOKIE_REQUIRED, f.deliver(f.nextInitiation()).drop());
        f.engine.setUnderLoad(false);
        assertTrue(f.deliver(f.nextInitiation()).accepted());
    }

    @Test
    void malformedDatagramsAreCountedNotThrown() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        assertEquals(InboundDrop.MALFORMED, f.deliver(new byte[0]).drop());
        assertEquals(InboundDrop.MALFORMED, f.deliver(new byte[] {1, 0, 0}).drop());
        assertEquals(InboundDrop.MALFORMED, f.deliver(new byte[] {9, 0, 0, 0, 1, 2}).drop());
        assertEquals(InboundDrop.MALFORMED, f.deliver(Arrays.copyOf(f.nextInitiation(), 147)).drop());
        byte[] reserved = f.nextInitiation();
        reserved[2] = 1;
        assertEquals(InboundDrop.MALFORMED, f.deliver(reserved).drop());
        assertEquals(InboundDrop.MALFORMED, f.deliver(new byte[] {4, 0, 0, 0, 1, 2, 3, 4}).drop());
        assertEquals(InboundDrop.UNKNOWN_INDEX, f.deliver(Arrays.copyOf(new byte[] {4, 0, 0, 0, 1, 2, 3, 4}, 48)).drop());
        byte[] response = new byte[WireGuardProtocol.MESSAGE_RESPONSE_SIZE];
        response[0] = 2;
        assertEquals(InboundDrop.BAD_MAC1, f.deliver(response).drop(), "a response must carry mac1 for our key");
        ByteBuffer consumed = ByteBuffer.wrap(new byte[70]);
        f.engine.receive(consumed, WireGuardEngineFixture.CLIENT, f.now);
        assertEquals(0, consumed.remaining());
    }

    /** Arbitrary bytes never throw out of receive, never produce output, and are always counted. */
    @Test
    void randomDatagramsAreDroppedQuietly() {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        f.handshake();
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] d = new byte[r.nextInt(4) == 0 ? r.nextInt(8) : new int[] {32, 48, 64, 92, 148, 200}[r.nextInt(6)]];
            r.nextBytes(d);
            if (d.length > 0 && r.nextBoolean()) {
                d[0] = (byte) (1 + r.nextInt(4));
                if (d.length > 3) d[1] = d[2] = d[3] = 0;
            }
            InboundResult res = f.deliver(d);
            assertNotNull(res.drop(), "random bytes are never accepted");
            if (res.drop() != InboundDrop.COOKIE_REQUIRED) assertTrue(res.toSend().isEmpty());
        }
        assertTrue(f.seal(new byte[20], ByteBuffer.allocate(128)).isSealed(), "the session is untouched");
    }
}
