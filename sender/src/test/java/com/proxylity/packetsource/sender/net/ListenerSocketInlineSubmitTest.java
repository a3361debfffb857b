package com.proxylity.packetsource.sender.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The egress API runs on the Listener loops when they cover every core (docs/sender.md): a
 * batch submitted on the loop of one of the Listener's sockets is written there and then, with
 * no hand-off, so the kernel has it (and its outcome is known) before {@code submit} returns.
 * Queued through {@code execute} instead, it would only run after the calling task.
 */
class ListenerSocketInlineSubmitTest {

    @Test
    void aBatchSubmittedOnOneOfTheSocketsLoopsIsSentBeforeSubmitReturns() throws Exception {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(2, "inline-test");
        ListenerSocket socket = new ListenerSocket(ListenerConfig.udp("l", "127.0.0.1", 0), 16, new SenderMetrics("l"),
                null, transport == Transport.EPOLL ? 2 : 1);
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            receiver.setSoTimeout(3000);
            socket.bind(group, transport);
            InetSocketAddress dest = new InetSocketAddress("127.0.0.1", receiver.getLocalPort());
            int onSocketLoops = 0;
            for (EventExecutor loop : group) {
                Outbound[] submitted = new Outbound[1];
                boolean doneOnReturn = loop.submit(() -> {
                    Outbound out = new Outbound(1);
                    out.add(dest, null, new byte[] {7});
                    socket.submit(out);
                    submitted[0] = out;
                    return out.done().isDone();
                }).get(5, TimeUnit.SECONDS);
                submitted[0].done().get(5, TimeUnit.SECONDS);
                assertNull(submitted[0].outcome(0));
                DatagramPacket p = new DatagramPacket(new byte[8], 8);
                receiver.receive(p);
                assertArrayEquals(new byte[] {7}, java.util.Arrays.copyOf(p.getData(), p.getLength()));
                if (doneOnReturn) onSocketLoops++;
            }
            // Every loop of the group holds one of the sockets (epoll: two sockets; NIO: one socket,
            // so only its loop writes inline).
            assertTrue(onSocketLoops == (transport == Transport.EPOLL ? 2 : 1),
                    "batches submitted on a socket's loop were handed off: " + onSocketLoops);
        } finally {
            socket.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
