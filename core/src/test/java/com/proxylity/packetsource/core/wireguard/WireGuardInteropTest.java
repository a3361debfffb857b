package com.proxylity.packetsource.core.wireguard;

import static org.junit.jupiter.api.Assertions.*;

import com.proxylity.packetsource.core.frame.InnerFrame;
import com.proxylity.packetsource.core.testing.InnerUdpReceiver;
import com.proxylity.packetsource.core.testing.ReceivedDatagram;
import com.proxylity.packetsource.core.testing.WireGuardKeys;
import com.proxylity.packetsource.core.testing.WireGuardPeer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Our engine against a stock wireguard-go client (core test fixture {@link WireGuardPeer}: the
 * client's tun lives in a namespace, its UDP socket on loopback). The test plays the sender: a
 * small UDP loop feeds the engine and writes back what it returns. Then we seal (a) an IPv4 and
 * (b) an IPv6 DecapsulatedDelivery frame built by {@link InnerFrame}, and (c) a whole inner IPv4
 * packet built here by hand, as a non-decapsulating Listener gets it; a socket in the namespace
 * must receive each payload from the inner source address and port (after the client's kernel
 * checked the inner checksums).
 */
class WireGuardInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** The test's stand-in for the sender's Listener socket loop. */
    private static final class Loop implements AutoCloseable {
        final DatagramSocket udp;
        final WireGuardListenerEngine engine;
        final LinkedBlockingQueue<SessionEvent> events = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<DeliveredPacket> delivered = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<InboundDrop> drops = new LinkedBlockingQueue<>();
        private final Thread thread;
        private volatile boolean running = true;
        /** Which peer last had this endpoint (the sender asks the session directory); null: never initiate. */
        private final java.util.function.Function<InetSocketAddress, PeerKey> peerAt;

        Loop(WireGuardListenerEngine engine) throws IOException {
            this(engine, 0, null);
        }

        /** On {@code port}, and initiating to the peer {@code peerAt} names when a transport message finds no session. */
        Loop(WireGuardListenerEngine engine, int port, java.util.function.Function<InetSocketAddress, PeerKey> peerAt) throws IOException {
            this.engine = engine;
            this.peerAt = peerAt;
            this.udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            udp.setSoTimeout(100);
            thread = new Thread(this::run, "wg-interop-loop");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() { return (InetSocketAddress) udp.getLocalSocketAddress(); }

        private void run() {
            byte[] buf = new byte[65_536];
            long lastTick = System.nanoTime();
            while (running) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        udp.receive(p);
                        InboundResult r = engine.receive(ByteBuffer.wrap(buf, 0, p.getLength()),
                                (InetSocketAddress) p.getSocketAddress(), System.nanoTime());
                        if (r.drop() != null) drops.add(r.drop());
                        if (r.drop() == InboundDrop.UNKNOWN_INDEX && peerAt != null) {
                            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
                            PeerKey who = peerAt.apply(from);
                            if (who != null) {
                                long now = System.nanoTime();
                                engine.initiate(who, from, now, System.currentTimeMillis() * 1_000_000L).ifPresent(this::sendQuietly);
                            }
                        }
                        for (OutboundDatagram o : r.toSend()) send(o);
                        events.addAll(r.events());
                        delivered.addAll(r.delivered());
                    } catch (SocketTimeoutException idle) {
                        // fall through to the timers
                    }
                    long now = System.nanoTime();
                    if (now - lastTick >= TimeUnit.SECONDS.toNanos(1)) {
                        lastTick = now;
                        TickResult t = engine.tick(now, System.currentTimeMillis() * 1_000_000L);
                        for (OutboundDatagram o : t.toSend()) send(o);
                        events.addAll(t.events());
                    }
                } catch (IOException e) {
                    if (running) throw new IllegalStateException(e);
                }
            }
        }

        void sendQuietly(OutboundDatagram o) {
            try {
                send(o);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void send(OutboundDatagram o) throws IOException {
            udp.send(new DatagramPacket(o.bytes(), o.bytes().length, o.to()));
        }

        /** Seals like the sender's egress path and sends to the session's endpoint. */
        SealResult sealAndSend(PeerKey peer, byte[] inner) throws IOException {
            ByteBuffer out = ByteBuffer.allocate(engine.sealedSize(inner.length));
            SealResult r = engine.seal(peer, ByteBuffer.wrap(inner), out, System.nanoTime());
            if (r.isSealed()) udp.send(new DatagramPacket(out.array(), r.length(), r.endpoint()));
            return r;
        }

        SessionEvent awaitEvent(SessionEvent.Kind kind) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                SessionEvent e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e != null && e.kind() == kind) return e;
            }
            throw new AssertionError("no " + kind + " event; drops so far: " + drops);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(2000);
            udp.close();
        }
    }

    @Test
    void wireguardGoClientHandshakesAndReceivesDecapsulatedAndWholePackets() throws Exception {
        WireGuardKeys listenerKeys = WireGuardKeys.generate();
        WireGuardListenerEngine engine = WireGuardListenerEngine.builder(listenerKeys.privateKeyBytes()).build();
        // The client is allowed before wireguard-go starts: its first initiation is then the one
        // that establishes the session. (Allowing it afterwards and re-adding the peer raced: a
        // session from the first initiation could be confirmed just before the client dropped it.)
        WireGuardKeys clientKeys = WireGuardKeys.generate();
        PeerKey peerKey = PeerKey.fromBase64(clientKeys.publicKey());
        engine.putPeer(PeerConfig.of(peerKey));
        try (Loop loop = new Loop(engine); WireGuardPeer client = startClient(engine, loop, clientKeys, null)) {

            SessionEvent est = loop.awaitEvent(SessionEvent.Kind.ESTABLISHED);
            assertEquals(peerKey, est.peer());
            assertEquals(client.endpoint(), est.endpoint(), "the session endpoint is where the client's datagrams came from");
            assertTrue(client.awaitHandshake(WAIT), "wireguard-go completed the handshake:\n" + client.log());

            try (InnerUdpReceiver rx4 = client.receiver(client.innerV4(), 12345);
                 InnerUdpReceiver rx6 = client.receiver(client.innerV6(), 12346)) {
                // (a) DecapsulatedDelivery, IPv4 Inner block.
                byte[] p4 = "decapsulated over IPv4".getBytes(StandardCharsets.UTF_8);
                InetAddress src4 = InetAddress.getByName("10.77.0.1");
                assertTrue(loop.sealAndSend(peerKey, InnerFrame.build(src4, 53, client.innerV4(), 12345, p4)).isSealed());
                ReceivedDatagram d4 = rx4.expect(WAIT);
                assertArrayEquals(p4, d4.payload());
                assertEquals(new InetSocketAddress(src4, 53), d4.source());

                // (b) DecapsulatedDelivery, IPv6 Inner block (1200 bytes, padded to the MTU rule).
                byte[] p6 = new byte[1200];
                for (int i = 0; i < p6.length; i++) p6[i] = (byte) (i * 7);
                InetAddress src6 = InetAddress.getByName("fd00:77::1");
                assertTrue(loop.sealAndSend(peerKey, InnerFrame.build(src6, 5683, client.innerV6(), 12346, p6)).isSealed());
                ReceivedDatagram d6 = rx6.expect(WAIT);
                assertArrayEquals(p6, d6.payload());
                assertEquals(new InetSocketAddress(src6, 5683), d6.source());

                // (c) A non-decapsulating Listener: Data is already a whole inner IP packet.
                byte[] pc = "whole inner packet".getBytes(StandardCharsets.UTF_8);
                byte[] whole = handBuiltIpv4Udp(new byte[] {10, 77, 0, 9}, 4444, client.innerV4().getAddress(), 12345, pc);
                assertTrue(loop.sealAndSend(peerKey, whole).isSealed());
                ReceivedDatagram dc = rx4.expect(WAIT);
                assertArrayEquals(pc, dc.payload());
                assertEquals(new InetSocketAddress(InetAddress.getByName("10.77.0.9"), 4444), dc.source());
            }

            // The other direction: the client's inner datagram reaches the engine as a delivered packet.
            loop.delivered.clear();
            byte[] up = "from the namespace".getBytes(StandardCharsets.UTF_8);
            client.sendInnerUdp(new InetSocketAddress(client.innerV4(), 7000), new InetSocketAddress("10.77.0.1", 7001), up);
            DeliveredPacket got = loop.delivered.poll(10, TimeUnit.SECONDS);
            assertNotNull(got, "drops: " + loop.drops);
            assertEquals(peerKey, got.peer());
            assertEquals(20 + 8 + up.length, got.packet().length, "padding stripped by the IPv4 length");
            assertArrayEquals(up, java.util.Arrays.copyOfRange(got.packet(), 28, got.packet().length));

            // Roaming: the client moves to a new source port; its next authenticated packet moves us.
            InetSocketAddress moved = client.rebindUdp();
            client.sendInnerUdp(new InetSocketAddress(client.innerV4(), 7000), new InetSocketAddress("10.77.0.1", 7001), up);
            SessionEvent roam = loop.awaitEvent(SessionEvent.Kind.ENDPOINT_CHANGED);
            assertEquals(moved, roam.endpoint());
            try (InnerUdpReceiver rx = client.receiver(client.innerV4(), 12347)) {
                byte[] p = "after roaming".getBytes(StandardCharsets.UTF_8);
                SealResult r = loop.sealAndSend(peerKey, InnerFrame.build(InetAddress.getByName("10.77.0.1"), 53, client.innerV4(), 12347, p));
                assertEquals(moved, r.endpoint());
                assertArrayEquals(p, rx.expect(WAIT).payload());
            }
        }
    }

    @Test
    void preSharedKeyInterop() throws Exception {
        WireGuardKeys listenerKeys = WireGuardKeys.generate();
        byte[] psk = new byte[32];
        new java.security.SecureRandom().nextBytes(psk);
        WireGuardListenerEngine engine = WireGuardListenerEngine.builder(listenerKeys.privateKeyBytes()).build();
        WireGuardKeys clientKeys = WireGuardKeys.generate();
        PeerKey peerKey = PeerKey.fromBase64(clientKeys.publicKey());
        engine.putPeer(new PeerConfig(peerKey, psk, 0));
        try (Loop loop = new Loop(engine); WireGuardPeer client = startClient(engine, loop, clientKeys, psk)) {
            loop.awaitEvent(SessionEvent.Kind.ESTABLISHED);
            assertDeliveredThroughTunnel(loop, client, peerKey, "psk");
        }
    }

    /**
     * Under load we answer the client's first initiation with a cookie reply (XChaCha20-Poly1305);
     * wireguard-go decrypts it and its retry (after RekeyTimeout) carries a valid mac2.
     */
    @Test
    void underLoadTheClientRetriesWithOurCookie() throws Exception {
        WireGuardKeys listenerKeys = WireGuardKeys.generate();
        WireGuardListenerEngine engine = WireGuardListenerEngine.builder(listenerKeys.privateKeyBytes()).build();
        engine.setUnderLoad(true);
        WireGuardKeys clientKeys = WireGuardKeys.generate();
        PeerKey peerKey = PeerKey.fromBase64(clientKeys.publicKey());
        engine.putPeer(PeerConfig.of(peerKey));
        try (Loop loop = new Loop(engine); WireGuardPeer client = startClient(engine, loop, clientKeys, null)) {
            SessionEvent est = loop.awaitEvent(SessionEvent.Kind.ESTABLISHED);
            assertEquals(peerKey, est.peer());
            assertTrue(loop.drops.contains(InboundDrop.COOKIE_REQUIRED), "the first initiation got a cookie reply: " + loop.drops);
            assertDeliveredThroughTunnel(loop, client, peerKey, "after the cookie");
        }
    }

    /**
     * A task restart as the sender sees it: a fresh engine with the Listener's key on the
     * Listener's port holds no session, while wireguard-go (persistent keepalive 1 s) still uses
     * the old one. Its next keepalive finds no keypair; the engine initiates from the Listener to
     * the peer the directory last saw at that endpoint, and egress works again within that one
     * keepalive — not at the peer's own rekey, up to 120 s later. A second restart shows that the
     * initiations' timestamps keep going forward across engines sharing the key.
     */
    @Test
    void aRestartedListenerInitiatesToThePeerWhoseSessionItLostAndDeliversAgain() throws Exception {
        WireGuardKeys listenerKeys = WireGuardKeys.generate();
        WireGuardKeys clientKeys = WireGuardKeys.generate();
        PeerKey peerKey = PeerKey.fromBase64(clientKeys.publicKey());
        WireGuardListenerEngine first = WireGuardListenerEngine.builder(listenerKeys.privateKeyBytes()).build();
        first.putPeer(PeerConfig.of(peerKey));
        Loop loop = new Loop(first);
        int port = loop.address().getPort();
        try (WireGuardPeer client = WireGuardPeer.builder().keys(clientKeys).peer(first.publicKey().toBase64(), loop.address())
                .persistentKeepalive(Duration.ofSeconds(1)).start()) {
            SessionEvent est = loop.awaitEvent(SessionEvent.Kind.ESTABLISHED);
            assertDeliveredThroughTunnel(loop, client, peerKey, "before the restart");
            java.util.Map<InetSocketAddress, PeerKey> directory = java.util.Map.of(est.endpoint(), peerKey);

            for (int restart = 1; restart <= 2; restart++) {
                loop.close();
                WireGuardListenerEngine fresh = WireGuardListenerEngine.builder(listenerKeys.privateKeyBytes()).build();
                fresh.putPeer(PeerConfig.of(peerKey));
                loop = new Loop(fresh, port, directory::get);
                SessionEvent again = loop.awaitEvent(SessionEvent.Kind.ESTABLISHED);
                assertEquals(client.endpoint(), again.endpoint());
                assertTrue(loop.drops.contains(InboundDrop.UNKNOWN_INDEX), "recovery began with the peer's keepalive on the lost session");
                assertDeliveredThroughTunnel(loop, client, peerKey, "after restart " + restart);
            }
        } finally {
            loop.close();
        }
    }

    /** A wireguard-go client pointed at the loop; with a persistent keepalive it initiates at once. */
    private static WireGuardPeer startClient(WireGuardListenerEngine engine, Loop loop, WireGuardKeys keys, byte[] psk) {
        WireGuardPeer.Builder b = WireGuardPeer.builder().keys(keys).peer(engine.publicKey().toBase64(), loop.address());
        if (psk != null) b.presharedKey(Base64.getEncoder().encodeToString(psk));
        return b.start();
    }

    /** Seals an IPv4 decap frame to the client's inner address and expects its payload inside the namespace. */
    private static void assertDeliveredThroughTunnel(Loop loop, WireGuardPeer client, PeerKey peer, String text) throws Exception {
        try (InnerUdpReceiver rx = client.receiver(client.innerV4(), 12345)) {
            byte[] p = text.getBytes(StandardCharsets.UTF_8);
            assertTrue(loop.sealAndSend(peer, InnerFrame.build(InetAddress.getByName("10.77.0.1"), 53, client.innerV4(), 12345, p)).isSealed());
            assertArrayEquals(p, rx.expect(WAIT).payload());
        }
    }

    /** A minimal IPv4+UDP packet, independent of InnerFrame (UDP checksum 0 = none, legal on IPv4). */
    private static byte[] handBuiltIpv4Udp(byte[] src, int sport, byte[] dst, int dport, byte[] payload) {
        int total = 28 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putInt(0).put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(src).put(dst);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += (b.get(i) & 0xFF) << 8 | (b.get(i + 1) & 0xFF);
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        b.putShort(10, (short) ~sum);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        return b.array();
    }
}
