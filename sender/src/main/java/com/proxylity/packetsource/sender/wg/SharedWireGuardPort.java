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
 * Sealing goes straight to the engine from every socket's loop at once: the engine reads the
 * peer's current keypair and endpoint as published snapshots and takes each counter from the
 * keypair's atomic, so sealing scales with the sockets and no counter is used twice
 * (docs/architecture.md#counter-ownership). Everything that changes state (inbound datagrams,
 * timers, allowed peers, retirement) holds one lock, so handshakes, the replay window, roaming
 * and the published session records change exactly as on a single event loop, however the
 * kernel spreads a peer's datagrams over the sockets. Replies are written by the caller's own
 * socket from inside the call (its own event loop: never waits on another loop while holding the
 * lock).
 */
public final class SharedWireGuardPort implements WireGuardPort {
    private final WireGuardPort engine;
    private final Object lock = new Object();

    public SharedWireGuardPort(WireGuardPort engine) {
        this.engine = engine;
    }

    @Override
    public InboundDrop receive(ByteBuf datagram, InetSocketAddress from, long nowNanos,
                               BiConsumer<byte[], InetSocketAddress> reply) {
        synchronized (lock) {
            return engine.receive(datagram, from, nowNanos, reply);
        }
    }

    /** Not under the lock: {@link WireGuardPort#seal} is safe to call from several threads. */
    @Override
    public SealResult seal(String peerKey, ByteBuffer inner, ByteBuf out, long nowNanos) {
        return engine.seal(peerKey, inner, out, nowNanos);
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
