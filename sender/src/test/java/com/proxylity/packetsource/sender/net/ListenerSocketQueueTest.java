package com.proxylity.packetsource.sender.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import io.netty.channel.EventLoopGroup;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Listener's bounded queue on a real socket: what does not fit is SendError at once, and a
 * batch's room is free again by the time its {@code done()} completes, so whoever waited on it
 * can queue a full batch right away.
 */
class ListenerSocketQueueTest {
    @Test
    void packetsBeyondTheRoomAreSendErrorAndTheRoomIsBackWhenDoneCompletes() throws Exception {
        EventLoopGroup group = Transport.best().newGroup(1, "queue-test");
        ListenerSocket socket = new ListenerSocket(ListenerConfig.udp("l", "127.0.0.1", 0), 3, new SenderMetrics("l"),
                null);
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.bind(group, Transport.best());
            InetSocketAddress dest = new InetSocketAddress("127.0.0.1", receiver.getLocalPort());
            Outbound first = new Outbound(5);
            for (int i = 0; i < 5; i++) first.add(dest, null, new byte[] {(byte) i});
            CompletableFuture<Integer> pendingAtDone = first.done().thenApply(x -> socket.pending());
            socket.submit(first);
            assertEquals(0, pendingAtDone.get(5, TimeUnit.SECONDS), "the room is given back before done completes");
            for (int i = 0; i < 3; i++) assertNull(first.outcome(i));
            assertEquals(DiscardReason.SendError, first.outcome(3));
            assertEquals(DiscardReason.SendError, first.outcome(4));
            Outbound next = new Outbound(3);
            for (int i = 0; i < 3; i++) next.add(dest, null, new byte[] {(byte) i});
            socket.submit(next);
            next.done().get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) assertNull(next.outcome(i), "a full batch fits once the first is done");
        } finally {
            socket.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
