package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.sender.Sender;
import com.proxylity.packetsource.sender.TestEgress;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import com.proxylity.packetsource.core.testing.Await;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, defect 2: connections that trickle their headers or their body must not delay a
 * health check or a signed request. 300 such connections are held open (each gets one more
 * byte every 200 ms, so none is idle) while health checks and signed batches are made. The
 * client timeout is a liveness bound, not a performance figure (that is the slow-client
 * benchmark's job): with the JDK server the dispatcher itself blocked on a trickler and these
 * calls waited out the 10 s read deadline.
 */
class EgressApiSlowClientsTest {
    private static final int SLOW = 300;
    private static final Duration LIVENESS = Duration.ofSeconds(5);

    @Test
    void healthAndSignedRequestsGoThroughWhileSlowClientsHoldConnections() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             Sender sender = Sender.builder(SenderConfig.builder().hmacKey(TestEgress.KEY)
                     .listener(ListenerConfig.udp("coap", "127.0.0.1", 0)).build())
                     .metricsOut(new PrintStream(OutputStream.nullOutputStream())).start()) {
            receiver.setSoTimeout(3000);
            List<Socket> slow = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread trickler = new Thread(() -> trickle(slow, stop), "trickler");
            try {
                for (int i = 0; i < SLOW; i++) slow.add(openSlow(sender.egressPort(), i % 2 == 0));
                trickler.start();
                Await.until("every slow connection is held by the server", () -> sender.egressConnections() >= SLOW);

                HttpClient http = HttpClient.newBuilder().connectTimeout(LIVENESS).build();
                URI health = URI.create("http://127.0.0.1:" + sender.egressPort() + EgressApi.HEALTH_PATH);
                TestEgress client = new TestEgress(sender.egressUri());
                for (int round = 0; round < 5; round++) {
                    HttpResponse<String> h = http.send(HttpRequest.newBuilder(health).timeout(LIVENESS).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, h.statusCode());
                    byte[] body = com.proxylity.packetsource.core.egressapi.EgressJson.writeRequest(TestEgress.plain(
                            "coap", "127.0.0.1", receiver.getLocalPort(), List.of(new byte[] {(byte) round})));
                    var headers = client.signer.sign(body, System.currentTimeMillis());
                    HttpRequest signed = HttpRequest.newBuilder(sender.egressUri()).timeout(LIVENESS)
                            .header("Content-Type", EgressApi.CONTENT_TYPE)
                            .header(EgressApi.HEADER_TIMESTAMP, headers.timestamp())
                            .header(EgressApi.HEADER_NONCE, headers.nonce())
                            .header(EgressApi.HEADER_SIGNATURE, headers.signature())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                    assertEquals(200, http.send(signed, HttpResponse.BodyHandlers.ofByteArray()).statusCode());
                    DatagramPacket d = new DatagramPacket(new byte[16], 16);
                    receiver.receive(d);
                    assertEquals(round, d.getData()[0]);
                }
            } finally {
                stop.set(true);
                trickler.join(5000);
                for (Socket s : slow) s.close();
            }
        }
    }

    /**
     * Half send a request line and then trickle header lines; half send complete, well-shaped
     * (but unsigned-by-the-key) headers for a 100 kB body and then trickle it.
     */
    private static Socket openSlow(int port, boolean trickleHeaders) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        String head;
        if (trickleHeaders) {
            head = "POST /v1/egress HTTP/1.1\r\nHost: sender\r\n";
        } else {
            String fakeSig = Base64.getEncoder().encodeToString(new byte[32]);
            head = "POST /v1/egress HTTP/1.1\r\nHost: sender\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n" + EgressApi.HEADER_TIMESTAMP + ": " + System.currentTimeMillis() + "\r\n"
                    + EgressApi.HEADER_NONCE + ": AAAAAAAAAAAAAAAAAAAAAA\r\n"
                    + EgressApi.HEADER_SIGNATURE + ": " + fakeSig + "\r\n\r\n{";
        }
        s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    private static void trickle(List<Socket> slow, AtomicBoolean stop) {
        byte[] headerByte = "X".getBytes(StandardCharsets.US_ASCII);
        while (!stop.get()) {
            for (Socket s : slow) {
                try {
                    s.getOutputStream().write(headerByte);
                } catch (Exception closedByServer) {
                    // a deadline ended it: fine, that is the server's right
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
