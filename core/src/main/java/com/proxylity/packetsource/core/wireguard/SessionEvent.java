package com.proxylity.packetsource.core.wireguard;

import java.net.InetSocketAddress;

/**
 * A change the sender should publish to the session directory (metadata only, never keys).
 * Times are on the engine's monotonic nanosecond clock; convert with the caller's wall clock.
 */
public record SessionEvent(Kind kind, PeerKey peer, InetSocketAddress endpoint, long establishedNanos, long expiresNanos) {
    public enum Kind {
        /** A new keypair is confirmed and used for sending from now on, until {@code expiresNanos}. */
        ESTABLISHED,
        /** The peer roamed: an authenticated packet came from a new endpoint. */
        ENDPOINT_CHANGED,
        /** No keypair usable for sending remains (RejectAfterTime passed). */
        EXPIRED
    }
}
