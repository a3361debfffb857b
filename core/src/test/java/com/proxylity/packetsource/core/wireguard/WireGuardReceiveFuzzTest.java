package com.proxylity.packetsource.core.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.proxylity.packetsource.core.wireguard.crypto.Blake2s;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Listener engine's receive path, fuzzed (issue 9): any datagram from any source leaves no
 * trace unless it is authenticated. One engine with an established session (so transport
 * messages reach decryption) serves all inputs; before and after each datagram the observable
 * state is compared: the peers, the peer's session (endpoint, times, counters) and the keypair in
 * use. A datagram may be accepted only if it is byte for byte one of the genuine messages the
 * test peer produced, and each of those at most once (replays are refused).
 *
 * <p>Input: the first byte picks how the rest is used (raw datagram; transport header with the
 * live receiver index; an initiation with a correct mac1, which anyone knowing the public key
 * can compute; a genuine initiation or transport message with the rest XORed in), the second the
 * source address. Seeds in {@code WireGuardReceiveFuzzTestInputs/}; see docs/fuzzing.md.
 */
class WireGuardReceiveFuzzTest {
    private static final InetSocketAddress[] SOURCES = {
            WireGuardEngineFixture.CLIENT, new InetSocketAddress("203.0.113.9", 40000), new InetSocketAddress("198.51.100.7", 40001)};
    private static final WireGuardEngineFixture F = new WireGuardEngineFixture();
    private static final List<byte[]> GENUINE_TRANSPORT = new ArrayList<>();
    private static final byte[] GENUINE_INITIATION;
    private static final Set<String> ACCEPTED = new HashSet<>();
    private static final byte[] MAC1_KEY = Blake2s.hash(WireGuardProtocol.LABEL_MAC1, F.engine.publicKey().raw());

    static {
        F.handshake();
        for (int i = 0; i < 8; i++) GENUINE_TRANSPORT.add(F.peer.seal(WireGuardEngineFixture.ipv4Packet(20 + 16 * i)));
        GENUINE_INITIATION = F.nextInitiation();
    }

    private record State(Set<PeerKey> peers, Optional<SessionInfo> session, Keypair current) {}

    private static State state() {
        PeerKey peer = F.peer.publicKey();
        return new State(F.engine.peers(), F.engine.sessionInfo(peer, F.now), F.engine.currentKeypair(peer));
    }

    @FuzzTest(maxDuration = "30s")
    void receive(byte[] input) {
        if (input.length < 2) return;
        byte[] rest = Arrays.copyOfRange(input, 2, input.length);
        byte[] datagram = switch ((input[0] & 0xFF) % 5) {
            case 0 -> rest;
            case 1 -> withLiveIndex(rest);
            case 2 -> initiationWithMac1(rest);
            case 3 -> xor(GENUINE_INITIATION, rest);
            default -> rest.length == 0 ? GENUINE_TRANSPORT.get(0)
                    : xor(GENUINE_TRANSPORT.get((rest[0] & 0xFF) % GENUINE_TRANSPORT.size()), Arrays.copyOfRange(rest, 1, rest.length));
        };
        InetSocketAddress from = SOURCES[(input[1] & 0xFF) % SOURCES.length];

        State before = state();
        InboundResult r = F.engine.receive(ByteBuffer.wrap(datagram.clone()), from, F.now);
        assertNotNull(r);
        if (r.accepted()) {
            assertTrue(isGenuine(datagram), "accepted a datagram the peer never produced");
            assertTrue(ACCEPTED.add(Arrays.toString(datagram)), "accepted a genuine datagram twice (replay)");
            assertEquals(F.peer.publicKey(), r.peer(), "an accepted datagram names its authenticated peer");
            return;
        }
        assertEquals(before.peers(), F.engine.peers(), "an unauthenticated datagram changed the peers");
        State after = state();
        assertEquals(before.session(), after.session(), "an unauthenticated datagram changed the session");
        assertSame(before.current(), after.current(), "an unauthenticated datagram changed the keypair in use");
        assertTrue(r.events().isEmpty() && r.delivered().isEmpty(), "a dropped datagram produced events or packets");
        assertTrue(r.toSend().isEmpty() || r.drop() == InboundDrop.COOKIE_REQUIRED, "only a cookie reply answers a drop");
    }

    private static boolean isGenuine(byte[] d) {
        if (Arrays.equals(d, GENUINE_INITIATION)) return true;
        for (byte[] g : GENUINE_TRANSPORT) if (Arrays.equals(d, g)) return true;
        return false;
    }

    /** A transport header naming the session's receiver index, so decryption is reached. */
    private static byte[] withLiveIndex(byte[] rest) {
        byte[] d = new byte[16 + rest.length];
        System.arraycopy(GENUINE_TRANSPORT.get(0), 0, d, 0, 8);
        System.arraycopy(rest, 0, d, 8, Math.min(8, rest.length));
        System.arraycopy(rest, Math.min(8, rest.length), d, 16, rest.length - Math.min(8, rest.length));
        return Arrays.copyOf(d, 16 + Math.max(0, rest.length - 8));
    }

    /** An initiation of the right size whose mac1 is valid: the rest is the handshake content. */
    private static byte[] initiationWithMac1(byte[] rest) {
        byte[] d = new byte[WireGuardProtocol.MESSAGE_INITIATION_SIZE];
        d[0] = WireGuardProtocol.MESSAGE_INITIATION;
        System.arraycopy(rest, 0, d, 4, Math.min(rest.length, Noise.INIT_MAC1 - 4));
        byte[] mac1 = Blake2s.mac(MAC1_KEY, d, 0, Noise.INIT_MAC1);
        System.arraycopy(mac1, 0, d, Noise.INIT_MAC1, 16);
        return d;
    }

    private static byte[] xor(byte[] genuine, byte[] mask) {
        byte[] d = genuine.clone();
        for (int i = 0; i < mask.length && i < d.length; i++) d[i] ^= mask[i];
        return d;
    }
}
