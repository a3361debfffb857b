package com.proxylity.packetsource.core.session;

import java.time.Instant;

/**
 * Metadata of one WireGuard session as the pipeline sees it. Never holds key material: transport
 * keys stay inside the sender process that owns them (docs/architecture.md#wireguard-rules).
 *
 * @param peerKey base64 X25519 public key of the remote peer
 * @param endpoint last authenticated outer endpoint of the peer, "address:port" ([v6]:port)
 * @param owner the sender instance that owns the keypair; only it may seal
 * @param expiresAt RejectAfterTime after the handshake; a session past it is not used
 */
public record SessionRecord(String listenerName, String peerKey, String endpoint, String owner,
                            Instant establishedAt, Instant expiresAt) {
    public boolean liveAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    /**
     * Whether this record may replace {@code stored}: a write never goes back to an older
     * handshake, so a task that is stopping cannot retire the session another task has since
     * taken over. Compared in whole seconds, as the Sessions table stores them (its conditional
     * put is this rule).
     */
    public boolean mayReplace(SessionRecord stored) {
        return stored == null || stored.establishedAt.getEpochSecond() <= establishedAt.getEpochSecond();
    }
}
