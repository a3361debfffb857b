package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.sender.TestEgress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressSigner;
import com.proxylity.packetsource.core.egressapi.SignedHeaders;
import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import com.proxylity.packetsource.sender.metrics.ApiMetrics;
import com.proxylity.packetsource.sender.net.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import com.proxylity.packetsource.core.testing.Await;

/**
 * Idle unauthenticated connections from many source addresses (127.0.0.x on loopback) fill the
 * total cap; a signed request and a health check from yet another address still get through,
 * because the oldest never-authenticated connection makes room; and a connection that carried a
 * signed request is never the one evicted. The send service is empty (no Listeners): an unknown
 * Listener's 404 comes only after the signature verified, which is all this needs.
 */
class EgressConnectionEvictionTest {
    private final ApiMetrics metrics = new ApiMetrics();
    private final EgressSigner signer = new EgressSigner(TestEgress.KEY);
    private EgressHttpServer server;
    private final List<Socket> open = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new EgressHttpServer(EgressHttpServer.builder(new EgressVerifier(TestEgress.KEY),
                        new EgressService(Map.of(), Map.of(), null, Duration.ofSeconds(1)))
                .bind("127.0.0.1", 0).threads(1).clock(System::currentTimeMillis).healthy(() -> true)
                .limits(HttpLimits.defaults().withConnections(6, 2)).metrics(metrics).transport(Transport.best())
                .build());
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : open) s.close();
        server.stop(Duration.ZERO);
    }

    private Socket connect(String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()));
        s.setSoTimeout(5_000);
        open.add(s);
        return s;
    }

    private String signed(Socket s) throws IOException {
        byte[] body = EgressJson.writeRequest(new EgressRequest("none", List.of()));
        SignedHeaders h = signer.sign(body, System.currentTimeMillis());
        String head = "POST /v1/egress HTTP/1.1\r\nHost: s\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\n" + EgressApi.HEADER_TIMESTAMP + ": " + h.timestamp() + "\r\n" + EgressApi.HEADER_NONCE + ": " + h.nonce()
                + "\r\n" + EgressApi.HEADER_SIGNATURE + ": " + h.signature() + "\r\n\r\n";
        s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(body);
        return readResponseStatus(s.getInputStream());
    }

    private static String health(Socket s) throws IOException {
        s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: s\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return readResponseStatus(s.getInputStream());
    }

    /** The status line, then the rest of the (small) response, so the connection can be reused. */
    private static String readResponseStatus(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.toString().endsWith("\r\n\r\n")) break;
        }
        String text = head.toString();
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
        }
        in.readNBytes(length);
        return text.substring(0, Math.max(0, text.indexOf("\r\n")));
    }

    private void fillWithIdlers(int firstAddress, int count) throws Exception {
        for (int i = 0; i < count; i++) connect("127.0.0." + (firstAddress + i / 2));
        Await.until("the idlers are connected", () -> server.openConnections() >= 6);
    }

    @Test
    void idlersFromManyAddressesCannotKeepOutSignedRequestsOrHealthChecks() throws Exception {
        fillWithIdlers(10, 6);
        assertEquals(6, server.openConnections(), "the cap is full of idle unauthenticated connections");
        assertEquals("HTTP/1.1 404 Not Found", signed(connect("127.0.0.2")), "signed, then judged: unknown Listener");
        assertEquals("HTTP/1.1 200 OK", health(connect("127.0.0.3")));
        assertTrue(metrics.rejectedTotal("EvictedUnauthenticated") >= 2);
    }

    @Test
    void aConnectionThatAuthenticatedIsNeverEvictedByOnesThatHaveNot() throws Exception {
        Socket signer = connect("127.0.0.2");
        assertEquals("HTTP/1.1 404 Not Found", signed(signer));
        fillWithIdlers(10, 5);
        // Another round of idlers from new addresses evicts only idlers.
        fillWithIdlers(20, 10);
        assertEquals("HTTP/1.1 404 Not Found", signed(signer), "the signer's kept-alive connection is still open");
        assertEquals(6, server.openConnections());
    }
}
