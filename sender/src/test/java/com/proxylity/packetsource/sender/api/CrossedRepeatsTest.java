package com.proxylity.packetsource.sender.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.egressapi.BatchIdentity;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import com.proxylity.packetsource.sender.net.ListenerSocket;
import com.proxylity.packetsource.sender.net.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Two requests carrying the same two records (the same SQS message delivered to two executions
 * side by side) race to claim their segments, in the same or in the opposite order: whichever
 * claims what, both are answered, with one copy of each packet sent. A request that waited for a
 * segment the other claimed while the other waited for one it claimed used to hang both, and
 * every later repeat of those segments with them.
 */
class CrossedRepeatsTest {
    private static final int ROUNDS = 5_000;

    @Test
    void requestsThatClaimEachOthersSegmentsAreBothAnswered() throws Exception {
        Transport t = Transport.best();
        EventLoopGroup group = t.newGroup(1, "crossed-test");
        SenderMetrics metrics = new SenderMetrics("l");
        ListenerSocket socket = new ListenerSocket(ListenerConfig.udp("l", "127.0.0.1", 0), 4096, metrics, null);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try (DatagramSocket sink = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.bind(group, t);
            EgressService service = new EgressService(Map.of("l", socket), Map.of("l", metrics), null, Duration.ofSeconds(60));
            int port = sink.getLocalPort();
            for (int round = 0; round < ROUNDS; round++) {
                EgressPacket a = packet("a" + round + "/0", port);
                EgressPacket b = packet("b" + round + "/0", port);
                List<EgressPacket> ab = List.of(a, b);
                List<EgressPacket> ba = round % 2 == 0 ? List.of(b, a) : ab;
                CyclicBarrier start = new CyclicBarrier(2);
                Future<CompletableFuture<EgressResponse>> first = two.submit(() -> {
                    start.await();
                    return service.sendAsync(new EgressRequest("l", ab, null, "run-1", BatchIdentity.segments("l", ab)));
                });
                Future<CompletableFuture<EgressResponse>> second = two.submit(() -> {
                    start.await();
                    return service.sendAsync(new EgressRequest("l", ba, null, "run-2", BatchIdentity.segments("l", ba)));
                });
                try {
                    assertEquals(2, first.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS).results().size());
                    assertEquals(2, second.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS).results().size());
                } catch (TimeoutException e) {
                    throw new AssertionError("round " + round + ": a request was never answered", e);
                }
            }
            assertEquals(2L * ROUNDS, metrics.sentTotal() , "each packet sent once");
            assertEquals(2L * ROUNDS, metrics.repeatsSuppressedTotal(), "and answered once from memory");
        } finally {
            two.shutdownNow();
            socket.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static EgressPacket packet(String id, int port) {
        return new EgressPacket(id, "127.0.0.1", port, null, id.getBytes(StandardCharsets.UTF_8));
    }
}
