package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.sender.TestEgress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import com.proxylity.packetsource.sender.metrics.ApiMetrics;
import com.proxylity.packetsource.sender.net.Transport;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The egress API reads request bodies into the sender's pooled allocator. Netty 4.2's default
 * channel allocator serves large reads from unpooled direct chunks, and on Java 25 (the sender
 * image's runtime) freeing each one stops every JVM thread for a handshake: at 1,420 B that cost
 * a third of the API path's packets/s. This test fails when the server's channels fall back to
 * the default allocator.
 */
class EgressHttpBuffersTest {

    private static long pooledDirectAllocations() {
        long n = 0;
        for (PoolArenaMetric arena : PooledByteBufAllocator.DEFAULT.metric().directArenas()) n += arena.numAllocations();
        return n;
    }

    @Test
    void socketReadsOfALargeBodyComeFromThePooledAllocator() throws Exception {
        EgressHttpServer server = new EgressHttpServer(EgressHttpServer.builder(new EgressVerifier(TestEgress.KEY), null)
                .bind("127.0.0.1", 0).threads(1).clock(System::currentTimeMillis).healthy(() -> true)
                .limits(HttpLimits.defaults()).metrics(new ApiMetrics()).transport(Transport.best()).build());
        server.start();
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(10_000);
            byte[] body = new byte[512 * 1024];
            String head = "POST /v1/egress HTTP/1.1\r\nHost: s\r\nContent-Type: " + EgressBinary.REQUEST_TYPE + "\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + EgressApi.HEADER_TIMESTAMP + ": " + System.currentTimeMillis() + "\r\n"
                    + EgressApi.HEADER_NONCE + ": AAAAAAAAAAAAAAAAAAAAAA\r\n"
                    + EgressApi.HEADER_SIGNATURE + ": " + Base64.getEncoder().encodeToString(new byte[32]) + "\r\n\r\n";
            long before = pooledDirectAllocations();
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            // The whole body is read (and MACed) before the signature can be refused.
            assertEquals("HTTP/1.1 401 Unauthorized", TestEgress.statusLine(s.getInputStream()));
            assertTrue(pooledDirectAllocations() > before,
                    "the server's socket reads did not come from the sender's pooled allocator");
        } finally {
            server.stop(Duration.ZERO);
        }
    }

}
