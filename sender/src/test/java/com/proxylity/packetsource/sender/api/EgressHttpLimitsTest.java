package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.sender.TestEgress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import com.proxylity.packetsource.sender.metrics.ApiMetrics;
import com.proxylity.packetsource.sender.net.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import com.proxylity.packetsource.core.testing.Await;

/**
 * The egress API's resource limits (issue 9), over raw sockets: requests that can never pass
 * are answered from their headers alone, before any body byte is sent; connections beyond the
 * caps are closed on accept. No request here reaches the send service (it is absent).
 */
class EgressHttpLimitsTest {
    private final ApiMetrics metrics = new ApiMetrics();
    private EgressHttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = new EgressHttpServer(EgressHttpServer.builder(new EgressVerifier(TestEgress.KEY), null)
                .bind("127.0.0.1", 0).threads(1).clock(System::currentTimeMillis).healthy(() -> true)
                .limits(HttpLimits.defaults().withConnections(4, 2)).metrics(metrics).transport(Transport.best())
                .build());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    private static String post(String contentType, long length, long timestamp) {
        return "POST /v1/egress HTTP/1.1\r\nHost: s\r\n" + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + length + "\r\n"
                + EgressApi.HEADER_TIMESTAMP + ": " + timestamp + "\r\n"
                + EgressApi.HEADER_NONCE + ": AAAAAAAAAAAAAAAAAAAAAA\r\n"
                + EgressApi.HEADER_SIGNATURE + ": " + Base64.getEncoder().encodeToString(new byte[32]) + "\r\n\r\n";
    }

    /** Sends only the headers (the announced body never comes) and returns the status line. */
    private String statusOfHeadersOnly(String head) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(5_000); // the server answers from the headers; without that this read times out
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            return TestEgress.statusLine(s.getInputStream());
        }
    }


    @Test
    void refusalsComeFromTheHeadersBeforeAnyBody() throws Exception {
        long now = System.currentTimeMillis();
        assertEquals("HTTP/1.1 413 Request Entity Too Large", statusOfHeadersOnly(post("application/json", EgressApi.MAX_BODY_BYTES + 1L, now)));
        assertEquals("HTTP/1.1 415 Unsupported Media Type", statusOfHeadersOnly(post("text/plain", 10, now)));
        assertEquals("HTTP/1.1 415 Unsupported Media Type", statusOfHeadersOnly(post(null, 10, now)));
        assertEquals("HTTP/1.1 401 Unauthorized", statusOfHeadersOnly(post("application/json", 10, now - 31_000)));
        assertEquals("HTTP/1.1 401 Unauthorized", statusOfHeadersOnly(
                post("application/json", 10, now).replace("AAAAAAAAAAAAAAAAAAAAAA", "short")));
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large", statusOfHeadersOnly(
                "GET /health HTTP/1.1\r\nHost: s\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n"));
        assertEquals(1, metrics.rejectedTotal("TooLarge"));
        assertEquals(2, metrics.rejectedTotal("UnsupportedMediaType"));
        assertEquals(2, server.authRejected());
    }

    @Test
    void connectionsBeyondThePerAddressCapAreClosedOnAccept() throws Exception {
        try (Socket a = new Socket("127.0.0.1", server.address().getPort());
             Socket b = new Socket("127.0.0.1", server.address().getPort());
             Socket c = new Socket("127.0.0.1", server.address().getPort())) {
            c.setSoTimeout(5_000);
            assertEquals(-1, readOrEof(c), "the third connection from one address is closed");
            assertTrue(metrics.rejectedTotal("TooManyConnections") >= 1);
            // The two admitted ones still work.
            a.setSoTimeout(5_000);
            a.getOutputStream().write("GET /health HTTP/1.1\r\nHost: s\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 200 OK", TestEgress.statusLine(a.getInputStream()));
        }
        // Once they are closed there is room again.
        Await.until("the closed connections are gone", () -> server.openConnections() == 0);
        assertEquals("HTTP/1.1 200 OK", statusOfHeadersOnly("GET /health HTTP/1.1\r\nHost: s\r\n\r\n"));
    }

    private static int readOrEof(Socket s) {
        try {
            return s.getInputStream().read();
        } catch (IOException reset) {
            return -1;
        }
    }
}
