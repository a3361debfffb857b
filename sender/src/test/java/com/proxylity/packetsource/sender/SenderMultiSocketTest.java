package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressOutcome;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: a Listener with several SO_REUSEPORT sockets (one per event loop) still sends every
 * datagram from the Listener's own address and port. Requests go to the sockets in turn, so
 * four requests use both sockets; every datagram arrives, from that one port.
 */
class SenderMultiSocketTest {
    @Test
    void everySocketOfAListenerSendsFromTheListenersPort() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             Sender sender = Sender.builder(SenderConfig.builder().hmacKey(TestEgress.KEY).socketsPerListener(2)
                             .listener(ListenerConfig.udp("coap", "127.0.0.1", 0)).build())
                     .metricsOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).start()) {
            receiver.setSoTimeout(3000);
            assertEquals(2, sender.listenerSockets("coap"));
            InetSocketAddress listener = sender.listenerAddress("coap");
            TestEgress client = new TestEgress(sender.egressUri());
            Set<String> want = new HashSet<>();
            for (int r = 0; r < 4; r++) {
                List<byte[]> payloads = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String p = r + "/" + i;
                    payloads.add(p.getBytes(StandardCharsets.UTF_8));
                    want.add(p);
                }
                EgressRequest req = TestEgress.plain("coap", "127.0.0.1", receiver.getLocalPort(), payloads);
                HttpResponse<byte[]> resp = client.postBinary(EgressBinary.writeRequest(req));
                assertEquals(200, resp.statusCode());
                for (EgressResult x : EgressBinary.readResponse(resp.body(), req).results()) {
                    assertEquals(EgressOutcome.Sent, x.outcome(), x.id());
                }
            }
            Set<String> got = new HashSet<>();
            for (int i = 0; i < want.size(); i++) {
                DatagramPacket d = new DatagramPacket(new byte[64], 64);
                receiver.receive(d);
                assertEquals(listener, d.getSocketAddress(), "datagram source");
                got.add(new String(d.getData(), 0, d.getLength(), StandardCharsets.UTF_8));
            }
            assertEquals(want, got);
            assertEquals(32, sender.metrics("coap").sentTotal());
        }
    }
}
