package com.proxylity.packetsource.sender.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.HashMap;

/**
 * Caps open connections in total and per source address. A connection over the per-address cap
 * is closed as soon as it is accepted. At the total cap, the oldest connection that has never
 * carried an authenticated request is closed to make room, so however many source addresses an
 * unauthenticated client uses it cannot keep the egress Lambda's signed requests or the load
 * balancer's health checks out: a connection that authenticated once is never evicted by one
 * that has not, and an evicted idler costs its owner a new TCP handshake each time. Only when
 * every open connection has authenticated is a new one refused. Shared by all connections.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("egress.counted");

    private final int maxTotal;
    private final int maxPerAddress;
    private final RejectReporter reporter;
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    /** Open connections that never authenticated, oldest first: the eviction order. */
    private final LinkedHashSet<Channel> unauthenticated = new LinkedHashSet<>();
    private int total;

    ConnectionLimiter(int maxTotal, int maxPerAddress, RejectReporter reporter) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.reporter = reporter;
    }

    synchronized int open() {
        return total;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress from = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        Channel evict = null;
        synchronized (this) {
            if (perAddress.getOrDefault(from, 0) >= maxPerAddress) {
                refuse(ctx, from);
                return;
            }
            if (total >= maxTotal) {
                var oldest = unauthenticated.iterator();
                if (!oldest.hasNext()) {
                    refuse(ctx, from);
                    return;
                }
                evict = oldest.next();
                // Its count is released here, not when its close completes, so the room is ours now.
                release(evict);
            }
            total++;
            perAddress.merge(from, 1, Integer::sum);
            ctx.channel().attr(COUNTED).set(from);
            unauthenticated.add(ctx.channel());
        }
        if (evict != null) {
            reporter.rejected("EvictedUnauthenticated", ((InetSocketAddress) evict.remoteAddress()).getAddress());
            evict.close();
        }
        super.channelActive(ctx);
    }

    /** The connection carried a request whose signature verified: never evicted from now on. */
    synchronized void authenticated(Channel ch) {
        unauthenticated.remove(ch);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        synchronized (this) {
            release(ctx.channel());
        }
        super.channelInactive(ctx);
    }

    private void release(Channel ch) {
        InetAddress from = ch.attr(COUNTED).getAndSet(null);
        if (from == null) return;
        unauthenticated.remove(ch);
        total--;
        perAddress.computeIfPresent(from, (k, v) -> v <= 1 ? null : v - 1);
    }

    private void refuse(ChannelHandlerContext ctx, InetAddress from) {
        reporter.rejected("TooManyConnections", from);
        ctx.close();
    }
}
