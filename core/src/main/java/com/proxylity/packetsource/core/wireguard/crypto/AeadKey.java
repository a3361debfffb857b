package com.proxylity.packetsource.core.wireguard.crypto;

import java.nio.ByteBuffer;

/**
 * One direction's ChaCha20-Poly1305 transport key, with WireGuard's nonce: 4 zero bytes followed
 * by the 64-bit counter, little-endian (paper section 5.4.6). Implementations are thread-safe:
 * each thread uses its own cipher object, so many threads can seal with one key at once.
 */
public interface AeadKey {
    /**
     * Encrypts the plaintext's remaining bytes followed by {@code padLen} zero bytes (WireGuard's
     * padding) into {@code out} at its position, appending the 16-byte tag. Advances both buffers.
     *
     * @return bytes written: plaintext + padding + 16
     */
    int seal(long counter, ByteBuffer plaintext, int padLen, ByteBuffer out);

    /**
     * Decrypts and authenticates the ciphertext's remaining bytes (tag included) into {@code out}.
     *
     * @return plaintext length, or -1 when the tag does not verify (out's contents are then garbage)
     */
    int open(long counter, ByteBuffer ciphertext, ByteBuffer out);

    /** Best-effort erase of the key bytes this object holds. */
    void destroy();

    /**
     * Plaintext plus padding, checked to fit in {@code out} with the tag before anything is
     * written; every implementation's seal starts here. In long arithmetic: a padLen near
     * Integer.MAX_VALUE wraps an int sum past the check (leaving plaintext in out when the
     * padding overflows it, or, natively into a 2 GiB buffer, the tag past its limit).
     */
    static int paddedLength(int plaintextLen, int padLen, ByteBuffer out) {
        if (padLen < 0 || out.remaining() < (long) plaintextLen + padLen + ChaChaPoly.TAG_LEN) {
            throw new IllegalStateException("ChaCha20-Poly1305 seal: " + out.remaining() + " bytes of room for "
                    + plaintextLen + " + " + padLen + " + " + ChaChaPoly.TAG_LEN);
        }
        return plaintextLen + padLen;
    }

    static void writeNonce(byte[] nonce12, long counter) {
        nonce12[0] = 0;
        nonce12[1] = 0;
        nonce12[2] = 0;
        nonce12[3] = 0;
        for (int i = 0; i < 8; i++) nonce12[4 + i] = (byte) (counter >>> (8 * i));
    }
}
