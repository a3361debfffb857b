package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.sender.TestEgress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A client that sends the headers of a POST and then stalls (or trickles) its body loses its
 * connection after the read timeout, instead of holding an egress handler thread for good; the
 * API keeps answering others.
 */
class EgressHttpServerReadTimeoutTest {
    @Test
    void aStalledBodyIsCutOffAndTheServerGoesOn() throws Exception {
        EgressHttpServer server = new EgressHttpServer(EgressHttpServer.builder(new EgressVerifier(TestEgress.KEY), null)
                .bind("127.0.0.1", 0).threads(1).clock(System::currentTimeMillis).healthy(() -> true)
                .readTimeout(Duration.ofMillis(300)).build());
        server.start();
        try (Socket slow = new Socket("127.0.0.1", server.address().getPort())) {
            slow.getOutputStream().write(("POST /v1/egress HTTP/1.1\r\nHost: sender\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            slow.setSoTimeout(10_000);
            InputStream in = slow.getInputStream();
            try {
                while (in.read() >= 0) { } // an error response, if any, then end of stream
            } catch (SocketTimeoutException e) {
                fail("the stalled request still holds its connection after 10 s");
            } catch (IOException reset) {
                // closed: what we want
            }

            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + "/health"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), "the single handler thread is free again");
        } finally {
            server.stop(Duration.ZERO);
        }
    }

    /** The headers themselves are read before any handler runs: the JDK server's request clock covers them. */
    @Test
    void trickledHeadersAreCutOffToo() throws Exception {
        EgressHttpServer server = new EgressHttpServer(EgressHttpServer.builder(new EgressVerifier(TestEgress.KEY), null)
                .bind("127.0.0.1", 0).threads(1).clock(System::currentTimeMillis).healthy(() -> true).build());
        server.start();
        try (Socket slow = new Socket("127.0.0.1", server.address().getPort())) {
            slow.getOutputStream().write("POST /v1/egress HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            slow.setSoTimeout(30_000);
            try {
                while (slow.getInputStream().read() >= 0) { }
            } catch (SocketTimeoutException e) {
                fail("a request whose headers never finish still holds its connection after 30 s");
            } catch (IOException reset) {
                // closed: what we want
            }
        } finally {
            server.stop(Duration.ZERO);
        }
    }
}
