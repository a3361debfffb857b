package com.proxylity.packetsource.core.wireguard.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.DestroyFailedException;

/**
 * SunJCE {@code ChaCha20-Poly1305}: the faster choice on JDK 17 and much faster on JDK 25 (vector
 * intrinsics); each {@code init} makes its own garbage (BENCHMARKS.md, WireGuard).
 *
 * <p>Sealing runs in place on a per-thread heap array: given a direct buffer (the batch's send
 * buffer) SunJCE allocates an array per call and copies through it, twice per packet with the
 * padding's separate final call. One copy in, one {@code doFinal} over plaintext and padding, one
 * copy out instead; the array then holds ciphertext only, never the plaintext it was given.
 */
final class JdkAeadKey implements AeadKey {
    /**
     * SunJCE refuses to init with the key and nonce of the previous init, in either mode. Sealing
     * never repeats a nonce, but opening does legitimately (a duplicate datagram, or a forgery
     * followed by the real packet with that counter), so opening has its own cipher and steps
     * over the check with a throwaway nonce when it trips.
     */
    private static final IvParameterSpec THROWAWAY_NONCE = new IvParameterSpec(new byte[] {
            -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1});

    private static final class PerThread {
        final Cipher sealer = newCipher();
        final Cipher opener = newCipher();
        final byte[] nonce = new byte[12];
        /** Grows to the largest datagram this thread has sealed (at most a UDP payload). */
        byte[] scratch = new byte[2048];

        private static Cipher newCipher() {
            try {
                return Cipher.getInstance("ChaCha20-Poly1305");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JDK has no ChaCha20-Poly1305", e);
            }
        }
    }

    private static final ThreadLocal<PerThread> STATE = ThreadLocal.withInitial(PerThread::new);

    private final SecretKeySpec key;

    JdkAeadKey(byte[] key) {
        this.key = new SecretKeySpec(key, "ChaCha20");
    }

    @Override
    public int seal(long counter, ByteBuffer plaintext, int padLen, ByteBuffer out) {
        PerThread s = STATE.get();
        int n = plaintext.remaining();
        int padded = AeadKey.paddedLength(n, padLen, out);
        if (s.scratch.length < padded + ChaChaPoly.TAG_LEN) s.scratch = new byte[padded + ChaChaPoly.TAG_LEN];
        byte[] b = s.scratch;
        AeadKey.writeNonce(s.nonce, counter);
        try {
            // Init first: a refused nonce (SunJCE's reuse guard) must not find plaintext copied in.
            s.sealer.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(s.nonce));
        } catch (GeneralSecurityException e) {
            // Only reachable on a programming error (reused nonce): never silently.
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
        }
        plaintext.get(b, 0, n);
        Arrays.fill(b, n, padded, (byte) 0);
        int written;
        try {
            written = s.sealer.doFinal(b, 0, padded, b, 0);
        } catch (GeneralSecurityException | RuntimeException e) {
            Arrays.fill(b, 0, padded, (byte) 0); // the array outlives this call: no plaintext left in it
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
        }
        out.put(b, 0, written);
        return written;
    }

    @Override
    public int open(long counter, ByteBuffer ciphertext, ByteBuffer out) {
        PerThread s = STATE.get();
        AeadKey.writeNonce(s.nonce, counter);
        try {
            IvParameterSpec iv = new IvParameterSpec(s.nonce);
            try {
                s.opener.init(Cipher.DECRYPT_MODE, key, iv);
            } catch (InvalidKeyException sameKeyAndNonce) {
                s.opener.init(Cipher.DECRYPT_MODE, key, THROWAWAY_NONCE);
                s.opener.init(Cipher.DECRYPT_MODE, key, iv);
            }
            return s.opener.doFinal(ciphertext, out);
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 open failed", e);
        }
    }

    @Override
    public void destroy() {
        try {
            key.destroy();
        } catch (DestroyFailedException ignored) {
            // SecretKeySpec cannot erase its copy on JDK 17; dropping the reference is all we can do.
        }
    }
}
