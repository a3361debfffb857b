package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressOutcome;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.SignedHeaders;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import com.proxylity.packetsource.core.testing.Await;
import org.junit.jupiter.api.Test;

/** close() lets a request that is already being received finish and send its packets. */
class SenderShutdownTest {
    @Test
    void closeDrainsARequestInProgressThenRefusesConnections() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            receiver.setSoTimeout(3000);
            Sender sender = Sender.builder(SenderConfig.builder().hmacKey(TestEgress.KEY)
                            .listener(ListenerConfig.udp("coap", "127.0.0.1", 0)).build())
                    .metricsOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .start();
            List<byte[]> payloads = new ArrayList<>();
            for (int i = 0; i < 20; i++) payloads.add(new byte[] {(byte) i, 1, 2, 3});
            byte[] body = EgressJson.writeRequest(TestEgress.plain("coap", "127.0.0.1", receiver.getLocalPort(), payloads));
            SignedHeaders h = new TestEgress(sender.egressUri()).signer.sign(body, System.currentTimeMillis());
            CompletableFuture<Void> closed;
            try (Socket http = new Socket("127.0.0.1", sender.egressPort())) {
                OutputStream out = http.getOutputStream();
                String head = "POST " + EgressApi.PATH + " HTTP/1.1\r\nHost: sender\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n"
                        + EgressApi.HEADER_TIMESTAMP + ": " + h.timestamp() + "\r\n"
                        + EgressApi.HEADER_NONCE + ": " + h.nonce() + "\r\n"
                        + EgressApi.HEADER_SIGNATURE + ": " + h.signature() + "\r\n\r\n";
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, body.length / 2);
                out.flush();
                // Close once the server holds the request (headers read, body half in), and send the
                // rest once the close has begun: the request must still be served.
                Await.until("the request is in progress", () -> sender.egressRequestsInProgress() == 1);
                closed = CompletableFuture.runAsync(sender::close);
                Await.until("the sender is closing", () -> !sender.healthy());
                out.write(body, body.length / 2, body.length - body.length / 2);
                out.flush();
                String response = new String(readAll(http.getInputStream()), StandardCharsets.UTF_8);
                assertTrue(response.startsWith("HTTP/1.1 200"), response);
                EgressResponse r = EgressJson.readResponse(
                        response.substring(response.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.UTF_8));
                r.results().forEach(x -> assertEquals(EgressOutcome.Sent, x.outcome()));
                assertEquals(20, r.results().size());
            }
            closed.get();
            for (int i = 0; i < 20; i++) {
                DatagramPacket d = new DatagramPacket(new byte[64], 64);
                receiver.receive(d);
                assertEquals(4, d.getLength());
            }
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", sender.egressPort()).close());
        }
    }

    private static byte[] readAll(InputStream in) throws Exception {
        // The response carries Content-Length; read headers then exactly that many bytes.
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int contentLength = -1;
        int headerEnd = -1;
        while (true) {
            int b = in.read();
            if (b < 0) break;
            buf.write(b);
            if (headerEnd < 0) {
                String s = buf.toString(StandardCharsets.US_ASCII);
                if (s.endsWith("\r\n\r\n")) {
                    headerEnd = buf.size();
                    for (String line : s.split("\r\n")) {
                        if (line.toLowerCase().startsWith("content-length:")) {
                            contentLength = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    if (contentLength == 0) break;
                }
            } else if (buf.size() - headerEnd >= contentLength) {
                break;
            }
        }
        return buf.toByteArray();
    }
}
