package com.proxylity.packetsource.core.wireguard;

/**
 * An allowed peer of a Listener.
 *
 * @param publicKey the peer's static public key
 * @param presharedKey optional 32-byte pre-shared key (Noise psk2), null for none (all zeros)
 * @param persistentKeepaliveNanos send a keepalive when nothing was sent for this long while a
 *     session is up (0 = off, the default; wg's "PersistentKeepalive"), to keep NAT/LB flows open
 */
public record PeerConfig(PeerKey publicKey, byte[] presharedKey, long persistentKeepaliveNanos) {
    public PeerConfig {
        if (publicKey == null) throw new IllegalArgumentException("publicKey required");
        if (presharedKey != null && presharedKey.length != 32) throw new IllegalArgumentException("pre-shared key: 32 bytes");
        presharedKey = presharedKey == null ? null : presharedKey.clone();
        if (persistentKeepaliveNanos < 0) throw new IllegalArgumentException("persistentKeepaliveNanos >= 0");
    }

    public static PeerConfig of(PeerKey publicKey) {
        return new PeerConfig(publicKey, null, 0);
    }

    /** Never prints the pre-shared key. */
    @Override
    public String toString() {
        return "PeerConfig[" + publicKey + (presharedKey != null ? ", psk" : "") + "]";
    }
}
