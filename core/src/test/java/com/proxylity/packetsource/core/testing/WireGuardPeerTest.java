package com.proxylity.packetsource.core.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Proves the harness without our engine: two wireguard-go peers, each in its own namespace, with
 * their UDP sockets on the root namespace's loopback pointing at each other, pass an IPv4 and an
 * IPv6 datagram from one namespace to a receiver in the other.
 */
class WireGuardPeerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void twoPeersPassIpv4AndIpv6DatagramsThroughTheTunnel() throws Exception {
        try (WireGuardPeer a = WireGuardPeer.builder().start();
             WireGuardPeer b = WireGuardPeer.builder().innerV4("10.77.0.3/24").innerV6("fd00:77::3/64")
                     .peer(a.publicKey(), a.endpoint()).persistentKeepalive(Duration.ZERO).start()) {
            a.setPeer(b.publicKey(), b.endpoint());
            try (InnerUdpReceiver rx4 = b.receiver(b.innerV4(), 0);
                 InnerUdpReceiver rx6 = b.receiver(b.innerV6(), 0)) {
                byte[] p4 = "hello over IPv4".getBytes(StandardCharsets.UTF_8);
                a.sendInnerUdp(new InetSocketAddress(a.innerV4(), 5353), rx4.address(), p4);
                ReceivedDatagram d4 = rx4.expect(WAIT);
                assertArrayEquals(p4, d4.payload());
                assertEquals(new InetSocketAddress(InetAddress.getByName("10.77.0.2"), 5353), d4.source());

                byte[] p6 = new byte[1200];
                for (int i = 0; i < p6.length; i++) p6[i] = (byte) i;
                a.sendInnerUdp(new InetSocketAddress(a.innerV6(), 5354), rx6.address(), p6);
                ReceivedDatagram d6 = rx6.expect(WAIT);
                assertArrayEquals(p6, d6.payload());
                assertEquals(new InetSocketAddress(InetAddress.getByName("fd00:77::2"), 5354), d6.source());
            }
            assertTrue(a.latestHandshake().isPresent(), "a completed a handshake");
            assertTrue(b.latestHandshake().isPresent(), "b completed a handshake");
            assertTrue(b.status().rxBytes() > 0);
            assertEquals(a.endpoint().getPort(), Integer.parseInt(b.status().endpoint().replaceAll(".*:", "")),
                    "b sees a's packets coming from a.endpoint()");
        }
    }

    @Test
    void rebindMovesTheSourcePortAndTheOtherSideRoams() {
        try (WireGuardPeer a = WireGuardPeer.builder().start();
             WireGuardPeer b = WireGuardPeer.builder().innerV4("10.77.0.3/24").innerV6("fd00:77::3/64")
                     .peer(a.publicKey(), a.endpoint()).persistentKeepalive(Duration.ZERO).start()) {
            a.setPeer(b.publicKey(), b.endpoint());
            try (InnerUdpReceiver rx = b.receiver(b.innerV4(), 0)) {
                a.sendInnerUdp(rx.address(), new byte[] {1});
                rx.expect(WAIT);
                InetSocketAddress before = a.endpoint();
                InetSocketAddress after = a.rebindUdp();
                assertFalse(before.equals(after));
                a.sendInnerUdp(rx.address(), new byte[] {2});
                assertArrayEquals(new byte[] {2}, rx.expect(WAIT).payload());
                assertTrue(b.status().endpoint().endsWith(":" + after.getPort()), "b roamed to a's new port: " + b.status().endpoint());
            }
        }
    }

    @Test
    void presharedKeyOnBothSidesWorks() {
        String psk = WireGuardKeys.generate().publicKey(); // any 32 random-looking bytes, base64
        try (WireGuardPeer a = WireGuardPeer.builder().start();
             WireGuardPeer b = WireGuardPeer.builder().innerV4("10.77.0.3/24").innerV6("fd00:77::3/64")
                     .peer(a.publicKey(), a.endpoint()).persistentKeepalive(Duration.ZERO).presharedKey(psk).start()) {
            a.setPeer(new WireGuardPeer.PeerConfig(b.publicKey(), b.endpoint(), Duration.ZERO, psk));
            try (InnerUdpReceiver rx = b.receiver(b.innerV4(), 0)) {
                a.sendInnerUdp(rx.address(), new byte[] {9, 8, 7});
                assertArrayEquals(new byte[] {9, 8, 7}, rx.expect(WAIT).payload());
            }
        }
    }

    @Test
    void mismatchedPresharedKeyGetsNoHandshake() {
        try (WireGuardPeer a = WireGuardPeer.builder().start();
             WireGuardPeer b = WireGuardPeer.builder().innerV4("10.77.0.3/24").innerV6("fd00:77::3/64")
                     .peer(a.publicKey(), a.endpoint()).persistentKeepalive(Duration.ZERO)
                     .presharedKey(WireGuardKeys.generate().publicKey()).start()) {
            a.setPeer(new WireGuardPeer.PeerConfig(b.publicKey(), b.endpoint(), Duration.ZERO, WireGuardKeys.generate().publicKey()));
            a.sendInnerUdp(new InetSocketAddress(b.innerV4(), 9), new byte[] {1});
            assertFalse(a.awaitHandshake(Duration.ofSeconds(2)));
        }
    }

    @Test
    void wrongPeerKeyDeliversNothing() {
        try (WireGuardPeer a = WireGuardPeer.builder().start();
             WireGuardPeer b = WireGuardPeer.builder().innerV4("10.77.0.3/24").innerV6("fd00:77::3/64")
                     // b expects some other key than a's: a's initiations must be dropped
                     .peer(WireGuardKeys.generate().publicKey(), a.endpoint()).persistentKeepalive(Duration.ZERO).start()) {
            a.setPeer(b.publicKey(), b.endpoint());
            try (InnerUdpReceiver rx = b.receiver(b.innerV4(), 0)) {
                a.sendInnerUdp(rx.address(), new byte[] {1, 2, 3});
                assertFalse(a.awaitHandshake(Duration.ofSeconds(2)));
                assertTrue(rx.receive(Duration.ofMillis(500)).isEmpty());
            }
        }
    }

    @Test
    void closeRemovesNamespaceInterfaceAndControlSocket() {
        WireGuardPeer p = WireGuardPeer.builder().start();
        String name = p.name();
        assertTrue(Commands.run(Duration.ofSeconds(5), "ip", "netns", "list").contains(name));
        p.close();
        assertFalse(Commands.run(Duration.ofSeconds(5), "ip", "netns", "list").contains(name));
        assertFalse(Commands.run(Duration.ofSeconds(5), "ip", "link", "show").contains(name));
        assertFalse(Files.exists(Path.of("/var/run/wireguard", name + ".sock")));
        p.close(); // idempotent
    }
}
