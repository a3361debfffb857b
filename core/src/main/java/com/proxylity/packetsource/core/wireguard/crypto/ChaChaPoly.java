package com.proxylity.packetsource.core.wireguard.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * ChaCha20-Poly1305 (RFC 8439) implementations for transport data, and the small AEAD calls the
 * handshake makes. Which implementation seals transport data is chosen by measurement: see
 * BENCHMARKS.md (WireGuard) and {@link #preferred()}.
 */
public enum ChaChaPoly {
    /** SunJCE {@code ChaCha20-Poly1305}. */
    JDK {
        @Override
        public AeadKey newKey(byte[] key) { return new JdkAeadKey(check(key)); }
    },
    /** BouncyCastle lightweight {@code ChaCha20Poly1305}. */
    BOUNCY_CASTLE {
        @Override
        public AeadKey newKey(byte[] key) { return new BcAeadKey(check(key)); }
    },
    /**
     * The system's libcrypto (OpenSSL 3) seals into direct buffers, SunJCE does the rest; on Java
     * 22 or later only, and only where {@link #nativeUnavailable()} is null.
     */
    OPENSSL {
        @Override
        public AeadKey newKey(byte[] key) {
            String why = nativeUnavailable();
            if (why != null) throw new IllegalStateException("libcrypto ChaCha20-Poly1305 unavailable: " + why);
            return new OpenSslAeadKey(check(key));
        }
    };

    /** Checked once: whether libcrypto can be bound here and seals exactly as SunJCE does. */
    private static final class Native {
        static final String UNAVAILABLE = OpenSslAeadKey.unavailable();
    }

    public static final int KEY_LEN = 32;
    public static final int TAG_LEN = 16;

    public abstract AeadKey newKey(byte[] key);

    /**
     * The implementation to use, chosen by measurement (BENCHMARKS.md, WireGuard): libcrypto
     * ({@link #OPENSSL}) where it can be bound, else SunJCE ({@link #JDK}), which seals faster
     * than BouncyCastle on JDK 17 and much faster on JDK 25. BouncyCastle makes less garbage; it
     * stays available for runtimes where that matters more.
     * Override with system property {@code packetsource.wireguard.aead=JDK|BOUNCY_CASTLE|OPENSSL}.
     */
    public static ChaChaPoly preferred() {
        String forced = System.getProperty("packetsource.wireguard.aead");
        if (forced != null && !forced.isBlank()) {
            ChaChaPoly chosen = valueOf(forced.trim());
            // Refused here, at start, rather than by every handshake's key later.
            if (chosen == OPENSSL && nativeUnavailable() != null) {
                throw new IllegalStateException("packetsource.wireguard.aead=OPENSSL, but libcrypto is unavailable: "
                        + nativeUnavailable());
            }
            return chosen;
        }
        return nativeUnavailable() == null ? OPENSSL : JDK;
    }

    /** Why {@link #OPENSSL} cannot be used in this process, or null when it can. */
    public static String nativeUnavailable() {
        return Native.UNAVAILABLE;
    }

    /** Handshake-sized seal with associated data: returns ciphertext || tag. */
    public static byte[] seal(byte[] key, long counter, byte[] plaintext, byte[] aad) {
        byte[] nonce = new byte[12];
        AeadKey.writeNonce(nonce, counter);
        return sealWithNonce(key, nonce, plaintext, aad);
    }

    /** Handshake-sized open: returns the plaintext, or null when authentication fails. */
    public static byte[] open(byte[] key, long counter, byte[] ciphertext, byte[] aad) {
        byte[] nonce = new byte[12];
        AeadKey.writeNonce(nonce, counter);
        return openWithNonce(key, nonce, ciphertext, aad);
    }

    static byte[] sealWithNonce(byte[] key, byte[] nonce12, byte[] plaintext, byte[] aad) {
        ChaCha20Poly1305 c = new ChaCha20Poly1305();
        c.init(true, new ParametersWithIV(new KeyParameter(check(key)), nonce12));
        if (aad != null) c.processAADBytes(aad, 0, aad.length);
        byte[] out = new byte[plaintext.length + TAG_LEN];
        int n = c.processBytes(plaintext, 0, plaintext.length, out, 0);
        try {
            c.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static byte[] openWithNonce(byte[] key, byte[] nonce12, byte[] ciphertext, byte[] aad) {
        if (ciphertext.length < TAG_LEN) return null;
        ChaCha20Poly1305 c = new ChaCha20Poly1305();
        c.init(false, new ParametersWithIV(new KeyParameter(check(key)), nonce12));
        if (aad != null) c.processAADBytes(aad, 0, aad.length);
        byte[] out = new byte[ciphertext.length - TAG_LEN];
        try {
            int n = c.processBytes(ciphertext, 0, ciphertext.length, out, 0);
            c.doFinal(out, n);
            return out;
        } catch (InvalidCipherTextException e) {
            Arrays.fill(out, (byte) 0);
            return null;
        }
    }

    private static byte[] check(byte[] key) {
        if (key == null || key.length != KEY_LEN) throw new IllegalArgumentException("ChaCha20 key: 32 bytes");
        return key;
    }
}
