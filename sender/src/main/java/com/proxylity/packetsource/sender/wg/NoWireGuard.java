package com.proxylity.packetsource.sender.wg;

import com.proxylity.packetsource.core.wireguard.InboundDrop;
import com.proxylity.packetsource.core.wireguard.SealResult;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;

/**
 * Stand-in for a WireGuard Listener while no engine is wired: answers nothing, so no session
 * ever exists and every packet is {@code NoSession} — a clear, counted outcome.
 */
public final class NoWireGuard implements WireGuardPort {
    @Override
    public InboundDrop receive(ByteBuf datagram, InetSocketAddress from, long nowNanos,
                               BiConsumer<byte[], InetSocketAddress> reply) {
        // Counted by the caller as inbound WireGuard; nothing to answer without an engine.
        return null;
    }

    @Override
    public SealResult seal(String peerKey, ByteBuffer inner, ByteBuf out, long nowNanos) {
        return SealResult.NO_SESSION;
    }

    @Override
    public void tick(long nowNanos, BiConsumer<byte[], InetSocketAddress> reply) {
    }
}
