package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * A task restart with a real wireguard-go peer (persistent keepalive 1 s): task A holds the
 * session; A stops and task B takes the Listener's port with the same key and the shared session
 * directory, holding no session. The peer's next keepalive reaches B on the lost keypair; B
 * initiates from the Listener to the peer the directory last saw there, publishes the new
 * session as its own, and a signed batch through B arrives in the peer's namespace — without
 * waiting for the peer's own rekey (up to 120 s after its last handshake).
 */
class SenderWireGuardFailoverTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aTaskThatTakesOverInitiatesAndSendsWithinAKeepalive() throws Exception {
        WireGuardPeer.requireAvailable();
        InMemorySessionDirectory sessions = new InMemorySessionDirectory();
        WireGuardKeys listenerKeys = WireGuardKeys.generate();
        WireGuardKeys peerKeys = WireGuardKeys.generate();
        Sender a = task("task-a", 0, listenerKeys, peerKeys, sessions);
        int port = a.listenerAddress("tunnel").getPort();
        try (WireGuardPeer peer = WireGuardPeer.builder().keys(peerKeys)
                .peer(a.wireGuardPublicKey("tunnel"), a.listenerAddress("tunnel"))
                .persistentKeepalive(Duration.ofSeconds(1)).start()) {
            assertEquals("task-a", awaitLiveSession(sessions, peerKeys.publicKey(), "task-a").owner());
            a.close();
            assertFalse(sessions.get("tunnel", peerKeys.publicKey()).orElseThrow().liveAt(Instant.now()));

            try (Sender b = task("task-b", port, listenerKeys, peerKeys, sessions)) {
                SessionRecord taken = awaitLiveSession(sessions, peerKeys.publicKey(), "task-b");
                assertEquals("127.0.0.1:" + peer.listenPort(), taken.endpoint());
                try (InnerUdpReceiver rx = peer.receiver(peer.innerV4(), 12345)) {
                    InetAddress src = InetAddress.getByName("10.77.0.1");
                    byte[] p = "after the takeover".getBytes(StandardCharsets.UTF_8);
                    HttpResponse<byte[]> resp = new TestEgress(b.egressUri()).post(new EgressRequest("tunnel", List.of(
                            new EgressPacket("m/0", "203.0.113.9", 51820, peerKeys.publicKey(),
                                    InnerFrame.build(src, 53, peer.innerV4(), 12345, p)))));
                    assertEquals(200, resp.statusCode());
                    assertEquals(EgressOutcome.Sent, EgressJson.readResponse(resp.body()).results().get(0).outcome());
                    assertArrayEquals(p, rx.expect(WAIT).payload());
                }
            }
        } finally {
            a.close();
        }
    }

    private static Sender task(String id, int port, WireGuardKeys listenerKeys, WireGuardKeys peerKeys,
                               InMemorySessionDirectory sessions) throws Exception {
        SenderConfig config = SenderConfig.builder().senderId(id).hmacKey(TestEgress.KEY)
                .listener(new ListenerConfig("tunnel", ListenerType.WG_DECAP, "127.0.0.1", port,
                        listenerKeys.privateKeyBytes(), List.of(peerKeys.publicKey())))
                .socketsPerListener(1).build();
        return Sender.builder(config).sessionDirectory(sessions)
                .metricsOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).start();
    }

    private static SessionRecord awaitLiveSession(SessionDirectory sessions, String peerKey, String owner)
            throws InterruptedException {
        return Await.value("a live session of " + owner, WAIT, () -> sessions.get("tunnel", peerKey)
                .filter(r -> r.owner().equals(owner) && r.liveAt(Instant.now())));
    }
}
