package com.proxylity.packetsource.core.wireguard.crypto;

import java.security.MessageDigest;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import java.util.Arrays;

/**
 * The WireGuard hash family, all on BouncyCastle's BLAKE2s (the JDK has none): HASH, MAC (keyed
 * BLAKE2s with a 16-byte output), HMAC (RFC 2104 over BLAKE2s, 64-byte block) and the HKDF-style
 * KDF1/2/3 of the WireGuard paper, section 5.4. Only the handshake and cookies use these, so they
 * favour clarity over allocation.
 */
public final class Blake2s {
    public static final int HASH_LEN = 32;
    public static final int MAC_LEN = 16;

    private Blake2s() {}

    /** HASH(parts[0] || parts[1] || ...): unkeyed BLAKE2s-256. */
    public static byte[] hash(byte[]... parts) {
        Blake2sDigest d = new Blake2sDigest(256);
        for (byte[] p : parts) d.update(p, 0, p.length);
        byte[] out = new byte[HASH_LEN];
        d.doFinal(out, 0);
        return out;
    }

    /** MAC(key, input): BLAKE2s keyed with {@code key}, 16-byte digest (used for mac1, mac2, cookies). */
    public static byte[] mac(byte[] key, byte[] input, int off, int len) {
        Blake2sDigest d = new Blake2sDigest(key, MAC_LEN, null, null);
        d.update(input, off, len);
        byte[] out = new byte[MAC_LEN];
        d.doFinal(out, 0);
        return out;
    }

    public static byte[] mac(byte[] key, byte[] input) {
        return mac(key, input, 0, input.length);
    }

    /** HMAC(key, parts...) with BLAKE2s. */
    public static byte[] hmac(byte[] key, byte[]... parts) {
        HMac h = new HMac(new Blake2sDigest(256));
        h.init(new KeyParameter(key));
        for (byte[] p : parts) h.update(p, 0, p.length);
        byte[] out = new byte[HASH_LEN];
        h.doFinal(out, 0);
        return out;
    }

    /** KDF_n(key, input) for n = 1..3: returns n 32-byte outputs. */
    public static byte[][] kdf(int n, byte[] key, byte[] input) {
        if (n < 1 || n > 3) throw new IllegalArgumentException("KDF outputs: 1..3");
        byte[] prk = hmac(key, input);
        byte[][] out = new byte[n][];
        byte[] prev = new byte[0];
        for (int i = 0; i < n; i++) {
            prev = hmac(prk, prev, new byte[] {(byte) (i + 1)});
            out[i] = prev;
        }
        Arrays.fill(prk, (byte) 0);
        return out;
    }

    public static byte[] kdf1(byte[] key, byte[] input) { return kdf(1, key, input)[0]; }

    public static byte[][] kdf2(byte[] key, byte[] input) { return kdf(2, key, input); }

    public static byte[][] kdf3(byte[] key, byte[] input) { return kdf(3, key, input); }

    /** Constant-time comparison of {@code a} against {@code b[off, off+a.length)}. */
    public static boolean equalsAt(byte[] a, byte[] b, int off) {
        if (off < 0 || off + a.length > b.length) return false;
        int diff = 0;
        for (int i = 0; i < a.length; i++) diff |= a[i] ^ b[off + i];
        return diff == 0;
    }

    public static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
