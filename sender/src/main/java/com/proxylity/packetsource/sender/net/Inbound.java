package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.sender.flow.FlowWindow;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Beside the send path (package comment of {@code com.proxylity.packetsource.sender}).
 * What arrives on one Listener socket: every datagram keeps its client's NLB flow alive; a
 * plain UDP Listener only sends, so what arrives is counted and dropped; WireGuard goes to
 * {@link WireGuardInbound}. One per socket.
 */
final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final JsonLog LOG = JsonLog.of(ListenerSocket.class);

    private final String listener;
    private final FlowWindow flows;
    private final SenderMetrics metrics;
    /** Null for plain UDP. */
    private final WireGuardInbound wireGuard;
    private final Consumer<InetSocketAddress> heard;
    /** Replies leave from the socket the datagram arrived on (same address and port). */
    private BiConsumer<byte[], InetSocketAddress> reply;

    Inbound(String listener, FlowWindow flows, SenderMetrics metrics, WireGuardInbound wireGuard,
            Consumer<InetSocketAddress> heard) {
        this.listener = listener;
        this.flows = flows;
        this.metrics = metrics;
        this.wireGuard = wireGuard;
        this.heard = heard;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (wireGuard != null) reply = wireGuard.repliesOn(ctx.channel());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
        // Any datagram keeps the client's NLB flow alive, valid WireGuard or not.
        flows.heard(msg.sender(), System.nanoTime());
        if (wireGuard == null) {
            heard.accept(msg.sender());
            metrics.inboundDropped();
            return;
        }
        wireGuard.receive(msg.content(), msg.sender(), reply);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A send error on one datagram (e.g. ICMP unreachable reported later) must not
        // close the Listener.
        LOG.warn("listener-socket-error", "listener", listener, "error", cause.getClass().getName());
    }
}
