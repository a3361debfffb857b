package com.proxylity.packetsource.sender.wg;

import com.proxylity.packetsource.core.wireguard.InboundDrop;
import com.proxylity.packetsource.core.wireguard.SealResult;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import java.util.Set;

/**
 * The sender's seam to the pure WireGuard engine of one Listener. Every method is called on
 * that Listener's single event-loop thread, or, when the Listener has several sockets, under
 * the one lock of {@link SerializedWireGuardPort}: the engine itself needs no locking and the
 * sending counter of a keypair has exactly one owner at a time (docs/architecture.md#counter-ownership).
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
     * its writer index by what was written.
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
