package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.core.wireguard.InboundDrop;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import com.proxylity.packetsource.sender.wg.WireGuardPort;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Beside the send path (package comment of {@code com.proxylity.packetsource.sender}): a
 * WireGuard Listener's inbound side: clients'
 * handshakes and keepalives go to the engine, whose replies leave from the socket the datagram
 * arrived on (same address and port, same family rule as every datagram); the engine's timers
 * run on the first socket's loop and send from that socket.
 */
final class WireGuardInbound {
    private static final long TICK_MILLIS = 250;

    private final WireGuardPort wireGuard;
    private final SocketFamily family;
    private final SenderMetrics metrics;

    WireGuardInbound(WireGuardPort wireGuard, SocketFamily family, SenderMetrics metrics) {
        this.wireGuard = wireGuard;
        this.family = family;
        this.metrics = metrics;
    }

    /** How the engine answers a datagram that arrived on {@code ch}: one per socket, made once. */
    BiConsumer<byte[], InetSocketAddress> repliesOn(Channel ch) {
        return (bytes, to) -> reply(ch, bytes, to);
    }

    /** On {@code msg}'s socket's loop. */
    void receive(ByteBuf content, InetSocketAddress sender, BiConsumer<byte[], InetSocketAddress> reply) {
        metrics.inboundWireGuard();
        InboundDrop drop = wireGuard.receive(content, sender, System.nanoTime(), reply);
        if (drop != null) metrics.inboundRejected(drop);
    }

    /** The engine's timers, on {@code first}'s loop (the engine's only thread). */
    ScheduledFuture<?> startTimers(Channel first) {
        BiConsumer<byte[], InetSocketAddress> reply = repliesOn(first);
        return first.eventLoop().scheduleAtFixedRate(() -> wireGuard.tick(System.nanoTime(), reply),
                TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Replaces the allowed peers on {@code first}'s loop; completes with the number added or removed. */
    CompletableFuture<Integer> setAllowedPeers(Channel first, Set<String> peers) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        first.eventLoop().execute(() -> {
            try {
                done.complete(wireGuard.setAllowedPeers(peers));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Writes a control reply on {@code ch}, from {@code ch}'s own event loop. */
    private void reply(Channel ch, byte[] bytes, InetSocketAddress to) {
        to = family.onSocket(to);
        if (to == null) return; // cannot happen for a reply to what this socket received
        ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), to), ch.voidPromise());
    }
}
