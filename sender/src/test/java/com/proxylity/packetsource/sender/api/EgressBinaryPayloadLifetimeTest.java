package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.sender.TestEgress;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.metrics.ApiMetrics;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import com.proxylity.packetsource.sender.net.ListenerSocket;
import com.proxylity.packetsource.sender.net.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A binary request's payloads are sent straight from its body buffer, so that buffer must
 * outlive the answer when the send timeout answers first. With the Listener's real loop held,
 * request A is answered SendError after the timeout, then request B arrives on the same
 * connection and HTTP loop, whose pool would hand B the memory A's body had if A's were already
 * freed. Once the loop is free, each queued datagram must still carry its own request's bytes.
 */
class EgressBinaryPayloadLifetimeTest {
    @Test
    void aPayloadStillQueuedAfterItsAnswerKeepsItsBytes() throws Exception {
        Transport t = Transport.best();
        EventLoopGroup group = t.newGroup(1, "lifetime-test");
        SenderMetrics metrics = new SenderMetrics("l");
        ListenerSocket socket = new ListenerSocket(ListenerConfig.udp("l", "127.0.0.1", 0), 64, metrics, null);
        CountDownLatch hold = new CountDownLatch(1);
        EgressHttpServer server = null;
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            receiver.setSoTimeout(5000);
            socket.bind(group, t);
            EgressService service = new EgressService(Map.of("l", socket), Map.of("l", metrics), null,
                    Duration.ofMillis(300));
            server = new EgressHttpServer(EgressHttpServer.builder(new EgressVerifier(TestEgress.KEY), service)
                    .bind("127.0.0.1", 0).threads(1).clock(System::currentTimeMillis).healthy(() -> true)
                    .limits(HttpLimits.defaults()).metrics(new ApiMetrics()).transport(t).build());
            server.start();
            TestEgress client = new TestEgress(URI.create("http://127.0.0.1:" + server.address().getPort() + "/v1/egress"));
            group.next().execute(() -> {
                try {
                    hold.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            byte[] a = filled(1200, (byte) 0xAA);
            byte[] b = filled(1200, (byte) 0xBB);
            for (byte[] payload : List.of(a, b)) {
                EgressRequest request = TestEgress.plain("l", "127.0.0.1", receiver.getLocalPort(), List.of(payload));
                HttpResponse<byte[]> r = client.postBinary(EgressBinary.writeRequest(request));
                assertEquals(200, r.statusCode());
                assertEquals(List.of(EgressResult.discarded("msg-1/0", DiscardReason.SendError)),
                        EgressBinary.readResponse(r.body(), request).results(), "answered by the send timeout");
            }
            hold.countDown();
            assertArrayEquals(a, receive(receiver), "request A's datagram carries A's bytes");
            assertArrayEquals(b, receive(receiver), "request B's datagram carries B's bytes");
        } finally {
            hold.countDown();
            if (server != null) server.stop(Duration.ZERO);
            socket.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static byte[] filled(int n, byte value) {
        byte[] b = new byte[n];
        Arrays.fill(b, value);
        return b;
    }

    private static byte[] receive(DatagramSocket s) throws java.io.IOException {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }
}
