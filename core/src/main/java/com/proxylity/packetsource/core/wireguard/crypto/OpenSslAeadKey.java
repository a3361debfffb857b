package com.proxylity.packetsource.core.wireguard.crypto;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Sealing by libcrypto's ChaCha20-Poly1305 (OpenSSL 3, through {@link OpenSsl}): in place, in the
 * direct buffer the datagram leaves from, one pass of keystream. Opening, and sealing into a heap
 * buffer, are {@link JdkAeadKey}'s.
 *
 * <p>Each thread keeps one cipher context, keyed with the last key it sealed with (as each
 * thread's SunJCE cipher keeps that key until its next init) and freed when the thread is gone.
 * Like SunJCE, a thread refuses to seal twice in a row with the same key and counter: the engine
 * never repeats a counter, so that would be a programming error and must not pass silently.
 */
final class OpenSslAeadKey implements AeadKey {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int KEY_AT = 0;
    private static final int NONCE_AT = 32;
    private static final int OUT_LEN_AT = 48;
    private static final int SCRATCH_BYTES = 64;
    private static final byte[] NO_KEY = new byte[ChaChaPoly.KEY_LEN];

    /** One thread's context and the native memory its calls point into. */
    private static final class PerThread {
        final long ctx;
        /** Native: key while it is set, the nonce, an int the calls write a length to. */
        final ByteBuffer scratch = ByteBuffer.allocateDirect(SCRATCH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        final long scratchAt = OpenSsl.address(scratch);
        OpenSslAeadKey key;
        long counter;

        PerThread() {
            OpenSsl.Binding b = OpenSsl.BINDING;
            try {
                long c = (long) b.ctxNew().invokeExact();
                if (c == 0) throw new IllegalStateException("EVP_CIPHER_CTX_new failed");
                ctx = c;
                CLEANER.register(this, new Free(c));
                long cipher = (long) b.chachaPoly().invokeExact();
                if ((int) b.cipherInit().invokeExact(c, cipher, 0L, 0L, 0L, 1) != 1) {
                    throw new IllegalStateException("EVP_CipherInit_ex(chacha20-poly1305) failed");
                }
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    /** Frees a context; holds nothing of the thread state it belonged to. */
    private record Free(long ctx) implements Runnable {
        @Override
        public void run() {
            try {
                OpenSsl.BINDING.ctxFree().invokeExact(ctx); // frees with OPENSSL_cleanse of the key
            } catch (Throwable ignored) {
                // nothing left to do at a context's end
            }
        }
    }

    private static final ThreadLocal<PerThread> STATE = ThreadLocal.withInitial(PerThread::new);

    private final byte[] key;
    private final JdkAeadKey jdk;

    OpenSslAeadKey(byte[] key) {
        this.key = key.clone();
        this.jdk = new JdkAeadKey(key);
    }

    /** Whether libcrypto is bound and seals exactly as SunJCE does; the reason it is not otherwise. */
    static String unavailable() {
        if (OpenSsl.BINDING == null) return OpenSsl.UNAVAILABLE;
        try {
            byte[] k = new byte[ChaChaPoly.KEY_LEN];
            for (int i = 0; i < k.length; i++) k[i] = (byte) (i * 7 + 1);
            byte[] text = new byte[1421];
            for (int i = 0; i < text.length; i++) text[i] = (byte) i;
            OpenSslAeadKey ours = new OpenSslAeadKey(k);
            JdkAeadKey theirs = new JdkAeadKey(k);
            // Twice under one key: the second seal re-initialises with the nonce alone, the path
            // every later packet of a thread takes, after a message that ended mid-block.
            long counter = 0x0102030405060708L;
            for (int len : new int[] {text.length, 77}) {
                ByteBuffer a = ByteBuffer.allocateDirect(text.length + 64);
                ByteBuffer b = ByteBuffer.allocate(text.length + 64);
                ours.seal(counter, ByteBuffer.wrap(text, 0, len), 3, a);
                theirs.seal(counter++, ByteBuffer.wrap(text, 0, len), 3, b);
                if (!a.flip().equals(b.flip())) return "libcrypto's seal differs from SunJCE's";
            }
            return null;
        } catch (RuntimeException | LinkageError e) {
            return e.toString();
        }
    }

    @Override
    public int seal(long counter, ByteBuffer plaintext, int padLen, ByteBuffer out) {
        int padded = AeadKey.paddedLength(plaintext.remaining(), padLen, out);
        if (!out.isDirect()) return jdk.seal(counter, plaintext, padLen, out);
        PerThread s = STATE.get();
        if (s.key == this && s.counter == counter) {
            throw new IllegalStateException("ChaCha20-Poly1305 seal: counter " + counter + " again under one key");
        }
        int start = out.position();
        long at = OpenSsl.address(out); // bounds: [at, at + padded + TAG_LEN) lies in out's remaining, checked above
        OpenSsl.Binding b = OpenSsl.BINDING;
        boolean sealed = false;
        long keyAt = 0;
        try {
            s.scratch.putInt(NONCE_AT, 0).putLong(NONCE_AT + 4, counter);
            if (s.key != this) {
                s.key = null;
                s.scratch.put(KEY_AT, key);
                keyAt = s.scratchAt + KEY_AT;
            }
            int ok = (int) b.cipherInit().invokeExact(s.ctx, 0L, 0L, keyAt, s.scratchAt + NONCE_AT, 1);
            if (ok != 1) throw new IllegalStateException("EVP_CipherInit_ex failed");
            s.key = this;
            s.counter = counter;
            out.put(plaintext);
            for (int i = 0; i < padLen; i++) out.put((byte) 0);
            long outLen = s.scratchAt + OUT_LEN_AT;
            if ((int) b.update().invokeExact(s.ctx, at, outLen, at, padded) != 1
                    || s.scratch.getInt(OUT_LEN_AT) != padded
                    || (int) b.finish().invokeExact(s.ctx, at + padded, outLen) != 1
                    || s.scratch.getInt(OUT_LEN_AT) != 0
                    || (int) b.ctrl().invokeExact(s.ctx, OpenSsl.CTRL_AEAD_GET_TAG, ChaChaPoly.TAG_LEN, at + padded) != 1) {
                throw new IllegalStateException("libcrypto ChaCha20-Poly1305 seal failed");
            }
            out.position(start + padded + ChaChaPoly.TAG_LEN);
            sealed = true;
            return padded + ChaChaPoly.TAG_LEN;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("libcrypto ChaCha20-Poly1305 seal failed", t);
        } finally {
            if (keyAt != 0) s.scratch.put(KEY_AT, NO_KEY); // the context holds its own copy, whatever was thrown
            if (!sealed) {
                s.key = null; // the context's state is unknown: key it afresh next time
                for (int i = start; i < start + padded + ChaChaPoly.TAG_LEN && i < out.limit(); i++) out.put(i, (byte) 0);
                out.position(start);
            }
        }
    }

    @Override
    public int open(long counter, ByteBuffer ciphertext, ByteBuffer out) {
        return jdk.open(counter, ciphertext, out);
    }

    @Override
    public void destroy() {
        Arrays.fill(key, (byte) 0);
        jdk.destroy();
    }
}
