package com.proxylity.packetsource.sender.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.proxylity.packetsource.core.contract.DiscardReason;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The send path never waits on a loop, so its timeout is what bounds an answer: with the
 * Listener's event loop held (a real loop and socket, blocked by a task of ours), the answer
 * still comes after the send timeout with every queued packet SendError, and the datagram the
 * loop writes once it is free does not change the answer already given (at-least-once, as after
 * any lost answer).
 */
class EgressServiceTimeoutTest {
    @Test
    void aHeldListenerLoopAnswersSendErrorAfterTheSendTimeout() throws Exception {
        EventLoopGroup group = Transport.best().newGroup(1, "timeout-test");
        SenderMetrics metrics = new SenderMetrics("l");
        ListenerSocket socket = new ListenerSocket(ListenerConfig.udp("l", "127.0.0.1", 0), 16, metrics, null);
        CountDownLatch hold = new CountDownLatch(1);
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            receiver.setSoTimeout(5000);
            socket.bind(group, Transport.best());
            EgressService service = new EgressService(Map.of("l", socket), Map.of("l", metrics), null,
                    Duration.ofMillis(300));
            group.next().execute(() -> {
                try {
                    hold.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            int port = receiver.getLocalPort();
            EgressRequest request = new EgressRequest("l", List.of(
                    new EgressPacket("m/0", "127.0.0.1", port, null, new byte[] {1}),
                    new EgressPacket("m/1", "127.0.0.1", 0, null, new byte[] {2})));
            CompletableFuture<EgressResponse> answer = service.sendAsync(request);
            assertFalse(answer.isDone(), "nothing settles while the Listener's loop is held");
            // The 300 ms send timeout completes it; this bound only keeps a broken build from hanging.
            List<EgressResult> expected = List.of(EgressResult.discarded("m/0", DiscardReason.SendError),
                    EgressResult.discarded("m/1", DiscardReason.MalformedRemote));
            EgressResponse r = answer.get(10, TimeUnit.SECONDS);
            assertEquals(expected, r.results());
            hold.countDown();
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            receiver.receive(p); // the queued datagram still leaves once the loop is free
            assertEquals(1, p.getLength());
            assertEquals(expected, r.results(), "the answer given is not rewritten by the late send");
        } finally {
            hold.countDown();
            socket.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
