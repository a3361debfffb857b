package com.proxylity.packetsource.sender.wg;

import com.proxylity.packetsource.core.wireguard.InboundDrop;
import com.proxylity.packetsource.core.wireguard.SealResult;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import java.util.Set;

/**
 * One WireGuard engine shared by the several sockets ({@code SO_REUSEPORT}) of one Listener.
 * The engine is written for one thread; here every call holds one lock, so a peer's sending
 * counter, replay window, endpoint and handshake state stay exactly as correct as on a single
 * event loop however the kernel spreads the peer's datagrams over the sockets. Replies are
 * written by the caller's own socket from inside the call (its own event loop: never waits on
 * another loop while holding the lock).
 */
public final class SerializedWireGuardPort implements WireGuardPort {
    private final WireGuardPort engine;
    private final Object lock = new Object();

    public SerializedWireGuardPort(WireGuardPort engine) {
        this.engine = engine;
    }

    @Override
    public InboundDrop receive(ByteBuf datagram, InetSocketAddress from, long nowNanos,
                               BiConsumer<byte[], InetSocketAddress> reply) {
        synchronized (lock) {
            return engine.receive(datagram, from, nowNanos, reply);
        }
    }

    @Override
    public SealResult seal(String peerKey, ByteBuffer inner, ByteBuf out, long nowNanos) {
        synchronized (lock) {
            return engine.seal(peerKey, inner, out, nowNanos);
        }
    }

    @Override
    public void tick(long nowNanos, BiConsumer<byte[], InetSocketAddress> reply) {
        synchronized (lock) {
            engine.tick(nowNanos, reply);
        }
    }

    @Override
    public void retireSessions() {
        synchronized (lock) {
            engine.retireSessions();
        }
    }

    /** Forwarded, like every method: the interface's default would refuse the registry's reloads. */
    @Override
    public int setAllowedPeers(Set<String> peers) {
        synchronized (lock) {
            return engine.setAllowedPeers(peers);
        }
    }

    @Override
    public int sealedSize(int innerLength) {
        return engine.sealedSize(innerLength);
    }
}
