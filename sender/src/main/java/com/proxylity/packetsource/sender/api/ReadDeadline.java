package com.proxylity.packetsource.sender.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The clock of one connection, ahead of the HTTP decoder so it sees raw bytes: an idle
 * connection may wait {@code idle}; once a request's first byte arrives its headers must be
 * complete within {@code headers}, then its body within {@code body}. While the server works
 * on a request there is no deadline (that time is ours, not the client's). A missed deadline
 * closes the connection; nothing of it ever blocks a thread, so a trickling client costs a
 * timer and a buffer, never a handler.
 *
 * <p>All methods run on the connection's event loop.
 */
final class ReadDeadline extends ChannelInboundHandlerAdapter {
    private enum Phase { IDLE, HEADERS, BODY, WORKING }

    private final HttpLimits limits;
    private final RejectReporter reporter;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.IDLE;
    private ScheduledFuture<?> timer;

    ReadDeadline(HttpLimits limits, RejectReporter reporter) {
        this.limits = limits;
        this.reporter = reporter;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        idle();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (phase == Phase.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
            arm(Phase.HEADERS, limits.headerTimeout(), "HeaderTimeout");
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    /** The headers are in; the body has its own deadline. */
    void body() {
        arm(Phase.BODY, limits.bodyTimeout(), "BodyTimeout");
    }

    /** The request is complete; the server is working on it. */
    void working() {
        cancel();
        phase = Phase.WORKING;
    }

    /** The response is out; the connection may wait for the next request. */
    void idle() {
        arm(Phase.IDLE, limits.idleTimeout(), null);
    }

    private void arm(Phase next, Duration after, String reason) {
        cancel();
        phase = next;
        timer = ctx.executor().schedule(() -> expire(next, reason), after.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void expire(Phase armedFor, String reason) {
        if (phase != armedFor || !ctx.channel().isActive()) return;
        if (reason != null) {
            InetSocketAddress from = (InetSocketAddress) ctx.channel().remoteAddress();
            reporter.rejected(reason, from == null ? null : from.getAddress());
        }
        ctx.close();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
