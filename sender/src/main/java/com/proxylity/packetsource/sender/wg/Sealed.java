package com.proxylity.packetsource.sender.wg;

import com.proxylity.packetsource.core.contract.DiscardReason;
import java.net.InetSocketAddress;

/**
 * Outcome of sealing one inner packet: the session's authenticated endpoint to send the
 * ciphertext to (contract 2), or why it cannot be sent.
 */
public record Sealed(InetSocketAddress endpoint, DiscardReason reason) {
    public static final Sealed NO_SESSION = new Sealed(null, DiscardReason.NoSession);
    public static final Sealed SESSION_EXPIRED = new Sealed(null, DiscardReason.SessionExpired);

    public boolean ok() {
        return reason == null;
    }
}
