package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressOutcome;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.core.frame.InnerFrame;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.dynamodb.DynamoDbSessionDirectory;
import com.proxylity.packetsource.dynamodb.Tables;
import com.proxylity.packetsource.dynamodb.testing.Dynalite;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.core.testing.InnerUdpReceiver;
import com.proxylity.packetsource.core.testing.ReceivedDatagram;
import com.proxylity.packetsource.core.testing.WireGuardKeys;
import com.proxylity.packetsource.core.testing.WireGuardPeer;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import com.proxylity.packetsource.core.testing.Await;

/**
 * A signed egress batch for a {@code wg-decap} Listener reaches a real wireguard-go peer through
 * the tunnel, sent to the session's authenticated endpoint (docs/architecture.md#authenticated-endpoint), and the handshake is
 * published to the session directory. Needs root and wireguard-go (skipped otherwise, unless
 * PACKET_SOURCE_REQUIRE_INTEROP=1).
 */
class SenderWireGuardInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void signedBatchReachesWireguardGoPeerThroughTheTunnel() throws Exception {
        WireGuardPeer.requireAvailable();
        runAgainst(new InMemorySessionDirectory(), 1, 1);
    }

    /**
     * Issue 12: a Listener with two SO_REUSEPORT sockets on two event loops shares one engine.
     * The handshake lands on one socket, transport packets of four requests leave from both
     * (round-robin), interleaving one keypair's counters across sockets; wireguard-go accepts
     * them all (none replayed, none out of its window) and every one came from the Listener's
     * port (wireguard-go's peer endpoint stays the Listener's address).
     */
    @Test
    void aMultiSocketListenerKeepsTheSessionWithWireguardGo() throws Exception {
        WireGuardPeer.requireAvailable();
        runAgainst(new InMemorySessionDirectory(), 2, 4);
    }

    /** The same, with sessions published to the DynamoDB directory (dynalite, real API). */
    @Test
    void sessionsArePublishedToDynamoDb() throws Exception {
        WireGuardPeer.requireAvailable();
        try (Dynalite dynalite = Dynalite.start()) {
            Tables tables = dynalite.createTables();
            runAgainst(new DynamoDbSessionDirectory(dynalite.client(), tables.sessions()), 1, 1);
        }
    }

    private void runAgainst(SessionDirectory sessions, int sockets, int requests) throws Exception {
        WireGuardKeys listenerKeys = WireGuardKeys.generate();
        WireGuardKeys peerKeys = WireGuardKeys.generate();
        SenderConfig config = SenderConfig.builder().senderId("sender-test").hmacKey(TestEgress.KEY)
                .listener(new ListenerConfig("tunnel", ListenerType.WG_DECAP, "127.0.0.1", 0,
                        listenerKeys.privateKeyBytes(), List.of(peerKeys.publicKey())))
                .socketsPerListener(sockets)
                .build();
        Instant establishedAt;
        int peerEndpointPort;
        try (Sender sender = Sender.builder(config).sessionDirectory(sessions)
                     .metricsOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).start();
             WireGuardPeer peer = WireGuardPeer.builder().keys(peerKeys)
                     .peer(sender.wireGuardPublicKey("tunnel"), sender.listenerAddress("tunnel"))
                     .persistentKeepalive(Duration.ofSeconds(25)).start()) {
            assertEquals(listenerKeys.publicKey(), sender.wireGuardPublicKey("tunnel"));

            // The handshake (answered by the sender's Listener socket) lands in the directory.
            SessionRecord record = awaitSession(sessions, peerKeys.publicKey());
            assertTrue(peer.awaitHandshake(WAIT), "wireguard-go completed the handshake:\n" + peer.log());
            assertEquals("sender-test", record.owner());
            assertEquals("127.0.0.1:" + peer.listenPort(), record.endpoint());
            assertTrue(record.liveAt(Instant.now()));
            assertTrue(record.expiresAt().isAfter(Instant.now().plusSeconds(170)));

            TestEgress client = new TestEgress(sender.egressUri());
            try (InnerUdpReceiver rx = peer.receiver(peer.innerV4(), 12345)) {
                InetAddress src = InetAddress.getByName("10.77.0.1");
                List<EgressPacket> packets = new ArrayList<>();
                List<byte[]> payloads = new ArrayList<>();
                int n = 10 * requests;
                for (int i = 0; i < n; i++) {
                    byte[] p = ("packet " + i + " through the tunnel").getBytes(StandardCharsets.UTF_8);
                    payloads.add(p);
                    // Remote.Address is a documentation address: it must not be where the packet goes.
                    packets.add(new EgressPacket("m/" + i, "203.0.113.9", 51820, peerKeys.publicKey(),
                            InnerFrame.build(src, 53, peer.innerV4(), 12345, p)));
                }
                packets.add(new EgressPacket("m/x", "203.0.113.9", 51820, WireGuardKeys.generate().publicKey(),
                        InnerFrame.build(src, 53, peer.innerV4(), 12345, new byte[] {1})));
                List<EgressResult> results = new ArrayList<>();
                for (int r = 0; r < requests; r++) {
                    // Consecutive requests go to the Listener's sockets in turn.
                    List<EgressPacket> part = r == requests - 1 ? packets.subList(10 * r, packets.size())
                            : packets.subList(10 * r, 10 * r + 10);
                    HttpResponse<byte[]> resp = client.post(new EgressRequest("tunnel", part));
                    assertEquals(200, resp.statusCode());
                    results.addAll(EgressJson.readResponse(resp.body()).results());
                }
                for (int i = 0; i < n; i++) assertEquals(EgressOutcome.Sent, results.get(i).outcome(), "m/" + i);
                assertEquals(EgressResult.discarded("m/x",
                        com.proxylity.packetsource.core.contract.DiscardReason.NoSession), results.get(n));

                List<String> got = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ReceivedDatagram d = rx.expect(WAIT);
                    assertEquals(new InetSocketAddress(src, 53), d.source());
                    got.add(d.payloadUtf8());
                }
                List<String> want = payloads.stream().map(p -> new String(p, StandardCharsets.UTF_8)).toList();
                assertEquals(want.stream().sorted().toList(), got.stream().sorted().toList());
                assertArrayEquals(new long[] {n}, new long[] {sender.metrics("tunnel").sentTotal()});
                // Each request's packets share the session's endpoint and (padded) size: where the
                // kernel segments, they left in runs, and wireguard-go still decrypted every one.
                if (io.netty.channel.epoll.Epoll.isAvailable()
                        && io.netty.channel.epoll.EpollDatagramChannel.isSegmentedDatagramPacketSupported()) {
                    assertTrue(sender.metrics("tunnel").sentSegmentedTotal() > 0, "no segmented send to the peer");
                }
                // wireguard-go saw every packet from the Listener's own address and port.
                assertEquals("127.0.0.1:" + sender.listenerAddress("tunnel").getPort(), peer.status().endpoint());
            }
            establishedAt = record.establishedAt();
            peerEndpointPort = peer.listenPort();
        }
        // Stopping the sender ends its sessions in the directory (same handshake, expired now).
        SessionRecord after = sessions.get("tunnel", peerKeys.publicKey()).orElseThrow();
        assertEquals("127.0.0.1:" + peerEndpointPort, after.endpoint());
        assertTrue(!after.liveAt(Instant.now()), "session still live after the sender stopped: " + after);
        assertEquals(establishedAt, after.establishedAt());
        assertEquals("sender-test", after.owner());
    }

    private static SessionRecord awaitSession(SessionDirectory sessions, String peerKey) throws InterruptedException {
        return Await.value("a session record for the peer", WAIT, () -> sessions.get("tunnel", peerKey));
    }
}
