package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import com.proxylity.packetsource.core.testing.Await;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResult;
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
 * A WireGuard packet goes to the session's authenticated endpoint (docs/architecture.md#authenticated-endpoint), not to
 * Remote.Address; the sender's egress rule must hold for that endpoint too. The peer here is the
 * core's test peer on a real loopback UDP socket, and the sender runs the standard policy, so
 * its endpoint (127.0.0.1) is denied although Remote.Address is a permitted public address.
 */
class SenderWireGuardEndpointPolicyTest {
    @Test
    void aSessionEndpointInADeniedRangeIsEgressDenied() throws Exception {
        WireGuardKeys listenerKeys = WireGuardKeys.generate();
        WireGuardTestPeer peer = new WireGuardTestPeer(WireGuardTestKeys.key(100),
                PeerKey.fromBase64(listenerKeys.publicKey()), null, WireGuardTestKeys.seeded(42));
        SenderConfig config = SenderConfig.builder().senderId("policy-test").hmacKey(TestEgress.KEY)
                .listener(new ListenerConfig("wg", ListenerType.WG, "127.0.0.1", 0, listenerKeys.privateKeyBytes(),
                        List.of(peer.publicKey().toBase64())))
                .build();
        try (Sender sender = Sender.builder(config).egressPolicy(DefaultEgressPolicy.standard())
                     .metricsOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).start();
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(5_000);
            InetSocketAddress listener = sender.listenerAddress("wg");
            send(socket, peer.initiation(System.currentTimeMillis() / 1000, 0), listener);
            assertTrue(peer.consumeResponse(receive(socket)), "the Listener answered the handshake");
            send(socket, peer.seal(new byte[0]), listener); // confirms the session

            byte[] inner = new byte[28];
            inner[0] = 0x45;
            inner[3] = 28;
            EgressRequest request = new EgressRequest("wg", List.of(
                    new EgressPacket("m/0", "203.0.113.9", 51820, peer.publicKey().toBase64(), inner)));
            TestEgress client = new TestEgress(sender.egressUri());
            // NoSession until the Listener has processed the confirmation sent above.
            EgressResult result = Await.value("a result other than NoSession once the session is confirmed", () -> {
                EgressResult r = firstResult(client, request);
                return r.reason() == DiscardReason.NoSession ? Optional.empty() : Optional.of(r);
            });
            assertEquals(EgressResult.discarded("m/0", DiscardReason.EgressDenied), result);
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
