package com.proxylity.packetsource.core.wireguard;

import java.util.Arrays;
import java.util.Base64;

/** A peer's X25519 public key (32 bytes) as a map key. Resolve once per packet from base64. */
public final class PeerKey {
    private final byte[] key;
    private final int hash;

    private PeerKey(byte[] key) {
        this.key = key;
        this.hash = Arrays.hashCode(key);
    }

    public static PeerKey of(byte[] key) {
        if (key == null || key.length != 32) throw new IllegalArgumentException("WireGuard public key: 32 bytes");
        return new PeerKey(key.clone());
    }

    /** @throws IllegalArgumentException when not base64 of exactly 32 bytes */
    public static PeerKey fromBase64(String b64) {
        if (b64 == null || b64.length() != 44) throw new IllegalArgumentException("WireGuard public key: 44 base64 characters");
        return new PeerKey(checked(Base64.getDecoder().decode(b64)));
    }

    private static byte[] checked(byte[] k) {
        if (k.length != 32) throw new IllegalArgumentException("WireGuard public key: 32 bytes");
        return k;
    }

    public byte[] bytes() { return key.clone(); }

    byte[] raw() { return key; }

    public String toBase64() { return Base64.getEncoder().encodeToString(key); }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerKey p && p.hash == hash && Arrays.equals(p.key, key);
    }

    @Override
    public int hashCode() { return hash; }

    /** Public keys are not secret; base64 is what operators see in `wg show`. */
    @Override
    public String toString() { return toBase64(); }
}
