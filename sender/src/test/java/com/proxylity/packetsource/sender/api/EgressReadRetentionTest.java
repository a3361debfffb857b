package com.proxylity.packetsource.sender.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import com.proxylity.packetsource.sender.TestEgress;
import com.proxylity.packetsource.sender.metrics.ApiMetrics;
import com.proxylity.packetsource.sender.net.Transport;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PoolChunkListMetric;
import io.netty.buffer.PoolChunkMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a connection that stopped mid-line holds between reads: the decoder keeps the unparsed
 * bytes in the socket read's own buffer, sized by the largest read the connection has had. No
 * key is needed: a health check's chunked body is read and dropped on a kept-alive connection.
 * The egress image caps direct memory at 192 MiB and allows 2,048 connections, so one such
 * connection must hold well under 96 KiB.
 */
class EgressReadRetentionTest {
    private static final int K = 1024;
    private static final int CONNECTIONS = 32;

    /** Bytes of the sender's pooled direct memory handed out now (socket reads come from it). */
    private static long directBytesInUse() {
        long n = 0;
        for (PoolArenaMetric a : PooledByteBufAllocator.DEFAULT.metric().directArenas()) {
            for (PoolChunkListMetric list : a.chunkLists()) {
                for (PoolChunkMetric c : list) n += c.chunkSize() - c.freeBytes();
            }
        }
        return n;
    }

    @Test
    void aConnectionStoppedInAChunkSizeLineHoldsNoLargeReadBuffer() throws Exception {
        stallAfterALargeBody("GET /health HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: chunked\r\n\r\n10");
    }

    /** The same without chunking: a partial header line keeps the read that carried it just as whole. */
    @Test
    void aConnectionStoppedInAHeaderLineHoldsNoLargeReadBuffer() throws Exception {
        stallAfterALargeBody("GET /health HTTP/1.1\r\nHost: s\r\nX-Stalled: a");
    }

    private static void stallAfterALargeBody(String stalledBytes) throws Exception {
        Transport t = Transport.best();
        // One loop for every connection: a round trip on one of them comes after every read before it.
        EventLoopGroup loop = t.newGroup(1, "egress-retention-test");
        EgressHttpServer server = new EgressHttpServer(EgressHttpServer.builder(new EgressVerifier(TestEgress.KEY), null)
                .bind("127.0.0.1", 0).limits(HttpLimits.defaults()).metrics(new ApiMetrics()).transport(t)
                .connectionLoops(loop).build());
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket s = new Socket("127.0.0.1", server.address().getPort());
                s.setSoTimeout(10_000);
                sockets.add(s);
                // A large body first, so the connection's reads have grown to their largest.
                OutputStream out = s.getOutputStream();
                out.write(("GET /health HTTP/1.1\r\nHost: s\r\nContent-Length: " + 1024 * K + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[1024 * K]);
                out.flush();
                assertEquals("HTTP/1.1 200 OK", response(s.getInputStream()));
            }
            long before = directBytesInUse();
            for (Socket s : sockets) {
                s.getOutputStream().write(stalledBytes.getBytes(StandardCharsets.US_ASCII));
            }
            try (Socket sentinel = new Socket("127.0.0.1", server.address().getPort())) {
                sentinel.setSoTimeout(10_000);
                for (int i = 0; i < 2; i++) {
                    sentinel.getOutputStream().write("GET /health HTTP/1.1\r\nHost: s\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("HTTP/1.1 200 OK", response(sentinel.getInputStream()));
                }
                long held = directBytesInUse() - before;
                assertTrue(held < CONNECTIONS * 96L * K, CONNECTIONS + " stalled connections hold " + held + " bytes");
            }
        } finally {
            for (Socket s : sockets) s.close();
            server.stop(Duration.ZERO);
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }

    /** Reads one answer whole (status line, headers, Content-Length body); returns its status line. */
    private static String response(InputStream in) throws IOException {
        String status = line(in);
        int length = 0;
        for (String h; !(h = line(in)).isEmpty(); ) {
            if (h.regionMatches(true, 0, "content-length:", 0, 15)) length = Integer.parseInt(h.substring(15).trim());
        }
        for (int i = 0; i < length; i++) if (in.read() < 0) break;
        return status;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') if (c != '\r') b.append((char) c);
        return b.toString();
    }
}
