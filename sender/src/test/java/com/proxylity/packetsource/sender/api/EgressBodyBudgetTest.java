package com.proxylity.packetsource.sender.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import com.proxylity.packetsource.sender.TestEgress;
import com.proxylity.packetsource.sender.metrics.ApiMetrics;
import com.proxylity.packetsource.sender.net.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server-wide budget for request bodies (HttpLimits.maxBufferedBytes) counts the memory the
 * bodies' buffers hold, which runs ahead of the bytes that arrived once a buffer has grown. The
 * clients here have no key: a signature of the right shape is enough to have a body buffered.
 */
class EgressBodyBudgetTest {
    private static final int K = 1024;
    private static final long BUDGET = 96 * K;
    private EgressHttpServer server;

    @BeforeEach
    void start() throws IOException {
        HttpLimits limits = new HttpLimits(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(30),
                16, 16, BUDGET, 4096, 8192, 4);
        server = new EgressHttpServer(EgressHttpServer.builder(new EgressVerifier(TestEgress.KEY), null)
                .bind("127.0.0.1", 0).limits(limits).metrics(new ApiMetrics()).transport(Transport.best()).build());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    private static String head(long contentLength) {
        return "POST /v1/egress HTTP/1.1\r\nHost: s\r\nContent-Type: " + EgressBinary.REQUEST_TYPE + "\r\n"
                + "Content-Length: " + contentLength + "\r\n"
                + EgressApi.HEADER_TIMESTAMP + ": " + System.currentTimeMillis() + "\r\n"
                + EgressApi.HEADER_NONCE + ": AAAAAAAAAAAAAAAAAAAAAA\r\n"
                + EgressApi.HEADER_SIGNATURE + ": " + Base64.getEncoder().encodeToString(new byte[32]) + "\r\n\r\n";
    }

    /** The status line the server answers after {@code sent} body bytes ("" if it closes without one). */
    private String statusAfter(long claimed, int sent) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(10_000); // longer than the body timeout: without an answer the server closes first
            OutputStream out = s.getOutputStream();
            out.write(head(claimed).getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[sent]);
            out.flush();
            return TestEgress.statusLine(s.getInputStream());
        }
    }


    @Test
    void aBufferGrownPastTheBudgetIsRefusedThoughWhatArrivedIsWithinIt() throws Exception {
        // Claims 1 MiB, sends one byte past the first buffer (64 KiB): the buffer would grow to
        // 128 KiB, past the 96 KiB budget, while only 64 KiB + 1 arrived.
        assertEquals("HTTP/1.1 503 Service Unavailable", statusAfter(EgressApi.MAX_BODY_BYTES, 64 * K + 1));
    }

    /**
     * A body's first buffer is charged when the headers make it, not when its first byte arrives:
     * connections that claim bodies and send none cannot hold buffers outside the budget. The
     * 100-continue answer says the first claim's buffer exists (and is charged) before the second.
     */
    @Test
    void aClaimedBodyIsChargedBeforeItsFirstByte() throws Exception {
        String expecting = head(EgressApi.MAX_BODY_BYTES).replace("\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n");
        try (Socket a = new Socket("127.0.0.1", server.address().getPort());
             Socket b = new Socket("127.0.0.1", server.address().getPort())) {
            a.setSoTimeout(10_000);
            b.setSoTimeout(10_000);
            a.getOutputStream().write(expecting.getBytes(StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 100 Continue", TestEgress.statusLine(a.getInputStream()));
            // 64 KiB held by a; b's 64 KiB would pass the 96 KiB budget before either sends a byte.
            b.getOutputStream().write(expecting.getBytes(StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 503 Service Unavailable", TestEgress.statusLine(b.getInputStream()));
        }
    }

    @Test
    void aBodyThatSaysItsLengthIsChargedItsLengthAndGivesItBack() throws Exception {
        // Growth stops at the claimed 80 KiB (within the budget); the whole body is read and MACed.
        assertEquals("HTTP/1.1 401 Unauthorized", statusAfter(80 * K, 80 * K));
        // Given back when refused: a second such body fits again.
        assertEquals("HTTP/1.1 401 Unauthorized", statusAfter(80 * K, 80 * K));
    }
}
