package com.proxylity.packetsource.core.wireguard;

import com.proxylity.packetsource.core.contract.DiscardReason;
import java.net.InetSocketAddress;

/**
 * Outcome of {@link WireGuardListenerEngine#seal}: either a transport message of {@code length}
 * bytes was written to the output buffer and must be sent to {@code endpoint}, or nothing was
 * written and {@code discard} says why (NoSession, SessionExpired, TooLarge).
 */
public final class SealResult {
    public static final SealResult NO_SESSION = new SealResult(null, 0, DiscardReason.NoSession);
    public static final SealResult SESSION_EXPIRED = new SealResult(null, 0, DiscardReason.SessionExpired);
    public static final SealResult TOO_LARGE = new SealResult(null, 0, DiscardReason.TooLarge);

    private final InetSocketAddress endpoint;
    private final int length;
    private final DiscardReason discard;

    private SealResult(InetSocketAddress endpoint, int length, DiscardReason discard) {
        this.endpoint = endpoint;
        this.length = length;
        this.discard = discard;
    }

    /**
     * {@code length} bytes are ready to go to {@code endpoint}. Public so that every outbound
     * encoder of the sender (plain UDP too) reports through this one type.
     */
    public static SealResult sealed(InetSocketAddress endpoint, int length) {
        return new SealResult(endpoint, length, null);
    }

    /** Nothing to send, for {@code discard}; the shared constants where one exists. */
    public static SealResult discarded(DiscardReason discard) {
        if (discard == null) throw new IllegalArgumentException("a discard needs a reason");
        return switch (discard) {
            case NoSession -> NO_SESSION;
            case SessionExpired -> SESSION_EXPIRED;
            case TooLarge -> TOO_LARGE;
            default -> new SealResult(null, 0, discard);
        };
    }

    public boolean isSealed() { return discard == null; }

    /** Where to send the sealed message: the peer's last authenticated endpoint. Null if not sealed. */
    public InetSocketAddress endpoint() { return endpoint; }

    /** Bytes written to the output buffer (its position advanced by this much). */
    public int length() { return length; }

    /** Null when sealed. */
    public DiscardReason discard() { return discard; }

    @Override
    public String toString() {
        return isSealed() ? "Sealed[" + length + " B to " + endpoint + "]" : "Discarded[" + discard + "]";
    }
}
