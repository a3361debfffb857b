package com.proxylity.packetsource.sender.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.proxylity.packetsource.core.egressapi.BatchIdentity;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import com.proxylity.packetsource.sender.net.ListenerSocket;
import com.proxylity.packetsource.sender.net.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A repeat that arrives while the first copy of its segment is still queued (the Listener's loop
 * is held, so the first cannot have settled) waits for the first outcome and sends nothing.
 */
class RepeatWhileInFlightTest {
    @Test
    void aRepeatArrivingWhileTheFirstIsStillQueuedWaitsForItAndIsNotSent() throws Exception {
        Transport t = Transport.best();
        EventLoopGroup group = t.newGroup(1, "in-flight-test");
        SenderMetrics metrics = new SenderMetrics("l");
        ListenerSocket socket = new ListenerSocket(ListenerConfig.udp("l", "127.0.0.1", 0), 64, metrics, null);
        CountDownLatch hold = new CountDownLatch(1);
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            receiver.setSoTimeout(5000);
            socket.bind(group, t);
            EgressService service = new EgressService(Map.of("l", socket), Map.of("l", metrics), null, Duration.ofSeconds(60));
            group.next().execute(() -> {
                try {
                    hold.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<EgressPacket> ps = List.of(new EgressPacket("m/0", "127.0.0.1", receiver.getLocalPort(), null,
                    "once".getBytes(StandardCharsets.UTF_8)));
            CompletableFuture<EgressResponse> first = service.sendAsync(new EgressRequest("l", ps, null, "run-1",
                    BatchIdentity.segments("l", ps)));
            CompletableFuture<EgressResponse> repeat = service.sendAsync(new EgressRequest("l", ps, null, "run-2",
                    BatchIdentity.segments("l", ps)));
            assertFalse(repeat.isDone(), "the repeat cannot be answered before the first has an outcome");
            hold.countDown();

            assertEquals(List.of(EgressResult.sent("m/0")), first.get(10, TimeUnit.SECONDS).results());
            EgressResponse r = repeat.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(EgressResult.sent("m/0")), r.results());
            assertEquals(List.of(0), r.repeated());

            // A marker after both: the next datagram after "once" must be the marker.
            List<EgressPacket> marker = List.of(new EgressPacket("x/0", "127.0.0.1", receiver.getLocalPort(), null,
                    "marker".getBytes(StandardCharsets.UTF_8)));
            service.sendAsync(new EgressRequest("l", marker)).get(10, TimeUnit.SECONDS);
            assertEquals("once", receive(receiver));
            assertEquals("marker", receive(receiver), "the repeat was sent");
            assertEquals(1, metrics.repeatsSuppressedTotal());
        } finally {
            hold.countDown();
            socket.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static String receive(DatagramSocket s) throws java.io.IOException {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        return new String(Arrays.copyOf(p.getData(), p.getLength()), StandardCharsets.UTF_8);
    }
}
