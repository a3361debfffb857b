package com.proxylity.packetsource.core.wireguard.crypto;

import org.bouncycastle.math.ec.rfc7748.X25519;
import java.util.Arrays;

/**
 * X25519 (RFC 7748) on BouncyCastle's fixed-base/ladder code: faster than the JDK's {@code XDH}
 * (BENCHMARKS.md has the figures), and it works on raw 32-byte keys as WireGuard carries them.
 */
public final class X25519Keys {
    public static final int KEY_LEN = 32;

    private X25519Keys() {}

    /** A private key from 32 random bytes, clamped as RFC 7748 section 5 says. */
    public static byte[] privateKeyFrom(byte[] random32) {
        if (random32.length != KEY_LEN) throw new IllegalArgumentException("X25519 key: 32 bytes");
        byte[] k = random32.clone();
        k[0] &= (byte) 0xF8;
        k[31] &= (byte) 0x7F;
        k[31] |= (byte) 0x40;
        return k;
    }

    public static byte[] generatePrivateKey(Entropy entropy) {
        byte[] r = new byte[KEY_LEN];
        entropy.nextBytes(r);
        byte[] k = privateKeyFrom(r);
        Arrays.fill(r, (byte) 0);
        return k;
    }

    public static byte[] publicKey(byte[] privateKey) {
        checkLen(privateKey);
        byte[] pub = new byte[KEY_LEN];
        X25519.scalarMultBase(privateKey, 0, pub, 0);
        return pub;
    }

    /**
     * DH(private, public). Returns null when the result is all zeros (a low-order public point):
     * WireGuard rejects such handshakes instead of deriving keys from a known value.
     */
    public static byte[] dh(byte[] privateKey, byte[] publicKey) {
        checkLen(privateKey);
        checkLen(publicKey);
        byte[] shared = new byte[KEY_LEN];
        return X25519.calculateAgreement(privateKey, 0, publicKey, 0, shared, 0) ? shared : null;
    }

    private static void checkLen(byte[] k) {
        if (k == null || k.length != KEY_LEN) throw new IllegalArgumentException("X25519 key: 32 bytes");
    }
}
