package com.proxylity.packetsource.core.wireguard.crypto;

import java.util.Arrays;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): HChaCha20 turns the key and the first 16 nonce
 * bytes into a subkey, then ChaCha20-Poly1305 runs with nonce 0x00000000 || nonce[16..24).
 * WireGuard uses it only for cookie replies (random 24-byte nonces). Neither the JDK nor
 * BouncyCastle's lightweight API offers it, so HChaCha20 is implemented here (it is the ChaCha20
 * block function without the final addition) and checked against the draft's vector.
 */
public final class XChaCha20Poly1305 {
    public static final int NONCE_LEN = 24;

    private XChaCha20Poly1305() {}

    public static byte[] seal(byte[] key, byte[] nonce24, byte[] plaintext, byte[] aad) {
        byte[] sub = hchacha20(key, nonce24);
        try {
            return ChaChaPoly.sealWithNonce(sub, innerNonce(nonce24), plaintext, aad);
        } finally {
            Arrays.fill(sub, (byte) 0);
        }
    }

    /** Returns the plaintext or null when authentication fails. */
    public static byte[] open(byte[] key, byte[] nonce24, byte[] ciphertext, byte[] aad) {
        byte[] sub = hchacha20(key, nonce24);
        try {
            return ChaChaPoly.openWithNonce(sub, innerNonce(nonce24), ciphertext, aad);
        } finally {
            Arrays.fill(sub, (byte) 0);
        }
    }

    private static byte[] innerNonce(byte[] nonce24) {
        if (nonce24.length != NONCE_LEN) throw new IllegalArgumentException("XChaCha20 nonce: 24 bytes");
        byte[] n = new byte[12];
        System.arraycopy(nonce24, 16, n, 4, 8);
        return n;
    }

    /** HChaCha20(key, the first 16 bytes of {@code nonce}): a 32-byte subkey. */
    public static byte[] hchacha20(byte[] key, byte[] nonce) {
        if (key.length != 32 || nonce.length < 16) throw new IllegalArgumentException("HChaCha20: 32-byte key, 16-byte input");
        int[] x = new int[16];
        x[0] = 0x61707865;
        x[1] = 0x3320646e;
        x[2] = 0x79622d32;
        x[3] = 0x6b206574;
        for (int i = 0; i < 8; i++) x[4 + i] = le32(key, 4 * i);
        for (int i = 0; i < 4; i++) x[12 + i] = le32(nonce, 4 * i);
        for (int round = 0; round < 10; round++) {
            quarter(x, 0, 4, 8, 12);
            quarter(x, 1, 5, 9, 13);
            quarter(x, 2, 6, 10, 14);
            quarter(x, 3, 7, 11, 15);
            quarter(x, 0, 5, 10, 15);
            quarter(x, 1, 6, 11, 12);
            quarter(x, 2, 7, 8, 13);
            quarter(x, 3, 4, 9, 14);
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 4; i++) putLe32(out, 4 * i, x[i]);
        for (int i = 0; i < 4; i++) putLe32(out, 16 + 4 * i, x[12 + i]);
        Arrays.fill(x, 0);
        return out;
    }

    private static void quarter(int[] x, int a, int b, int c, int d) {
        x[a] += x[b]; x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d]; x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b]; x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d]; x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }

    private static int le32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    private static void putLe32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }
}
