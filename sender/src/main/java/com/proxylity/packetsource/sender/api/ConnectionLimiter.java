package com.proxylity.packetsource.sender.api;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps open connections in total and per source address: a connection over either cap is
 * closed as soon as it is accepted, before any byte of it is read. Shared by all connections.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("egress.counted");

    private final int maxTotal;
    private final int maxPerAddress;
    private final RejectReporter reporter;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    ConnectionLimiter(int maxTotal, int maxPerAddress, RejectReporter reporter) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.reporter = reporter;
    }

    int open() {
        return total.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress from = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            refuse(ctx, from);
            return;
        }
        AtomicInteger mine = perAddress.compute(from, (k, v) -> {
            AtomicInteger n = v == null ? new AtomicInteger() : v;
            n.incrementAndGet();
            return n;
        });
        if (mine.get() > maxPerAddress) {
            release(from);
            total.decrementAndGet();
            refuse(ctx, from);
            return;
        }
        ctx.channel().attr(COUNTED).set(from);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        InetAddress from = ctx.channel().attr(COUNTED).getAndSet(null);
        if (from != null) {
            release(from);
            total.decrementAndGet();
        }
        super.channelInactive(ctx);
    }

    private void release(InetAddress from) {
        perAddress.computeIfPresent(from, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }

    private void refuse(ChannelHandlerContext ctx, InetAddress from) {
        reporter.rejected("TooManyConnections", from);
        ctx.close();
    }
}
