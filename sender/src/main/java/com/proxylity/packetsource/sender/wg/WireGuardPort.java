package com.proxylity.packetsource.sender.wg;

import com.proxylity.packetsource.core.wireguard.InboundDrop;
import com.proxylity.packetsource.core.wireguard.SealResult;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import java.util.Set;

/**
 * The sender's seam to the pure WireGuard engine of one Listener. {@link #seal} may be called
 * from several threads at once (each socket's event loop) and while the other methods run: an
 * implementation takes each sending counter from the keypair's atomic and reads the peer's
 * keypair and endpoint as safely published snapshots (docs/architecture.md#counter-ownership).
 * The other methods change state and are called one at a time: on the Listener's single event
 * loop, or, when the Listener has several sockets, under the one lock of
 * {@link SharedWireGuardPort}.
 */
public interface WireGuardPort {
    /**
     * One datagram arrived on the Listener socket. Replies (handshake responses, cookie replies,
     * keepalives) are handed to {@code reply} as (bytes, destination).
     *
     * @return why the datagram was ignored, or null when it was accepted
     */
    InboundDrop receive(ByteBuf datagram, InetSocketAddress from, long nowNanos,
                 BiConsumer<byte[], InetSocketAddress> reply);

    /**
     * Seals {@code inner} (its remaining bytes) for {@code peerKey} into {@code out} (a buffer with room for the
     * WireGuard transport header, the inner packet padded to 16 bytes and the tag), advancing
     * its writer index by what was written. Safe to call concurrently (see the type's comment).
     */
    SealResult seal(String peerKey, ByteBuffer inner, ByteBuf out, long nowNanos);

    /** Periodic timers (handshake expiry, keepalives); replies as in {@link #receive}. */
    void tick(long nowNanos, BiConsumer<byte[], InetSocketAddress> reply);

    /**
     * The Listener is closing: mark its sessions as ended in the session directory. Called once,
     * after the event loop stopped.
     */
    default void retireSessions() {
    }

    /**
     * Replaces the set of peers allowed to handshake (base64 public keys): new ones are added,
     * missing ones removed with their sessions. Called on the Listener's event loop.
     *
     * @return how many peers were added or removed
     */
    default int setAllowedPeers(Set<String> peers) {
        throw new UnsupportedOperationException("this WireGuard port has fixed peers");
    }

    /** Room {@link #seal} needs for an inner packet of {@code innerLength} bytes. */
    default int sealedSize(int innerLength) {
        return 16 + ((innerLength + 15) & ~15) + 16;
    }
}
