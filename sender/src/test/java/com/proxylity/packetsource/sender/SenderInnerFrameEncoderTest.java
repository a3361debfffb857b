package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import com.proxylity.packetsource.core.testing.Await;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.core.frame.InnerFrame;
import com.proxylity.packetsource.core.testing.WireGuardKeys;
import com.proxylity.packetsource.core.wireguard.PeerKey;
import com.proxylity.packetsource.core.wireguard.WireGuardTestKeys;
import com.proxylity.packetsource.core.wireguard.WireGuardTestPeer;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wg-decap Listener's encoder: a packet that is not an IP/UDP frame is MalformedMessage and
 * never sealed, so the frame sent after it carries the next counter (nothing was spent on the
 * bad one). The peer is the core's test peer on a real loopback socket.
 */
class SenderInnerFrameEncoderTest {
    @Test
    void aMalformedInnerFrameIsRefusedBeforeSealing() throws Exception {
        WireGuardKeys listenerKeys = WireGuardKeys.generate();
        WireGuardTestPeer peer = new WireGuardTestPeer(WireGuardTestKeys.key(101),
                PeerKey.fromBase64(listenerKeys.publicKey()), null, WireGuardTestKeys.seeded(7));
        SenderConfig config = SenderConfig.builder().senderId("decap-test").hmacKey(TestEgress.KEY)
                .listener(new ListenerConfig("tunnel", ListenerType.WG_DECAP, "127.0.0.1", 0,
                        listenerKeys.privateKeyBytes(), List.of(peer.publicKey().toBase64())))
                .build();
        try (Sender sender = Sender.builder(config)
                     .metricsOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).start();
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(5_000);
            InetSocketAddress listener = sender.listenerAddress("tunnel");
            send(socket, peer.initiation(System.currentTimeMillis() / 1000, 0), listener);
            assertTrue(peer.consumeResponse(receive(socket)), "the Listener answered the handshake");
            send(socket, peer.seal(new byte[0]), listener); // confirms the session

            byte[] frame = InnerFrame.build(InetAddress.getByName("10.0.0.1"), 53, InetAddress.getByName("10.0.0.2"),
                    9, new byte[] {1, 2, 3});
            byte[] notAFrame = Arrays.copyOf(frame, frame.length - 1); // lengths disagree
            String key = peer.publicKey().toBase64();
            TestEgress client = new TestEgress(sender.egressUri());
            EgressRequest malformed = new EgressRequest("tunnel",
                    List.of(new EgressPacket("m/0", "127.0.0.1", 51820, key, notAFrame)));
            // NoSession until the Listener has processed the confirmation sent above.
            EgressResult bad = Await.value("a result other than NoSession once the session is confirmed", () -> {
                EgressResult r = firstResult(client, malformed);
                return r.reason() == DiscardReason.NoSession ? Optional.empty() : Optional.of(r);
            });
            assertEquals(EgressResult.discarded("m/0", DiscardReason.MalformedMessage), bad);

            HttpResponse<byte[]> resp = client.post(new EgressRequest("tunnel",
                    List.of(new EgressPacket("m/1", "127.0.0.1", 51820, key, frame))));
            assertEquals(List.of(EgressResult.sent("m/1")), EgressJson.readResponse(resp.body()).results());
            // The Listener may send keepalives meanwhile; each spends one counter value.
            int before = 0;
            WireGuardTestPeer.Opened opened = peer.openWithCounter(receive(socket));
            while (opened.plaintext().length == 0) {
                before++;
                opened = peer.openWithCounter(receive(socket));
            }
            assertEquals(before, opened.counter(), "the malformed frame spent no counter");
            assertArrayEquals(frame, Arrays.copyOf(opened.plaintext(), frame.length));
        }
    }

    /** The first packet's result, posted once. */
    private static EgressResult firstResult(TestEgress client, EgressRequest request) {
        try {
            HttpResponse<byte[]> resp = client.post(request);
            assertEquals(200, resp.statusCode());
            return EgressJson.readResponse(resp.body()).results().get(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(DatagramSocket s, byte[] bytes, InetSocketAddress to) throws Exception {
        s.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static byte[] receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return Arrays.copyOf(buf, p.getLength());
    }
}
