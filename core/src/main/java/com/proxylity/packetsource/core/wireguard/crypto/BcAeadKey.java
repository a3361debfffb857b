package com.proxylity.packetsource.core.wireguard.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * BouncyCastle's lightweight {@code ChaCha20Poly1305}: no intrinsics, but a re-init costs ~150 B
 * of garbage. Works on arrays, so direct buffers go through a per-thread scratch array.
 */
final class BcAeadKey implements AeadKey {
    private static final int SCRATCH = 65_536 + 32;

    private static final class PerThread {
        final ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
        final byte[] nonce = new byte[12];
        final byte[] zeros = new byte[16];
        byte[] in;
        byte[] out;
    }

    private static final ThreadLocal<PerThread> STATE = ThreadLocal.withInitial(PerThread::new);

    private final KeyParameter key;

    BcAeadKey(byte[] key) {
        this.key = new KeyParameter(key); // copies
    }

    @Override
    public int seal(long counter, ByteBuffer plaintext, int padLen, ByteBuffer out) {
        int len = plaintext.remaining();
        int total = AeadKey.paddedLength(len, padLen, out) + ChaChaPoly.TAG_LEN;
        PerThread s = STATE.get();
        AeadKey.writeNonce(s.nonce, counter);
        s.cipher.init(true, new ParametersWithIV(key, s.nonce));
        byte[] inArr;
        int inOff;
        if (plaintext.hasArray()) {
            inArr = plaintext.array();
            inOff = plaintext.arrayOffset() + plaintext.position();
        } else {
            inArr = scratchIn(s);
            inOff = 0;
            plaintext.duplicate().get(inArr, 0, len);
        }
        byte[] outArr;
        int outOff;
        boolean direct = !out.hasArray();
        if (direct) {
            outArr = scratchOut(s);
            outOff = 0;
        } else {
            outArr = out.array();
            outOff = out.arrayOffset() + out.position();
        }
        try {
            int n = s.cipher.processBytes(inArr, inOff, len, outArr, outOff);
            n += s.cipher.processBytes(s.zeros, 0, padLen, outArr, outOff + n);
            n += s.cipher.doFinal(outArr, outOff + n);
            if (direct) out.put(outArr, 0, n);
            else out.position(out.position() + n);
            plaintext.position(plaintext.position() + len);
            return n;
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
        }
    }

    @Override
    public int open(long counter, ByteBuffer ciphertext, ByteBuffer out) {
        PerThread s = STATE.get();
        AeadKey.writeNonce(s.nonce, counter);
        s.cipher.init(false, new ParametersWithIV(key, s.nonce));
        int len = ciphertext.remaining();
        if (len < 16) return -1;
        if (out.remaining() < len - 16) throw new IllegalArgumentException("output buffer too small");
        byte[] inArr;
        int inOff;
        if (ciphertext.hasArray()) {
            inArr = ciphertext.array();
            inOff = ciphertext.arrayOffset() + ciphertext.position();
        } else {
            inArr = scratchIn(s);
            inOff = 0;
            ciphertext.duplicate().get(inArr, 0, len);
        }
        byte[] outArr = scratchOut(s);
        try {
            int n = s.cipher.processBytes(inArr, inOff, len, outArr, 0);
            n += s.cipher.doFinal(outArr, n);
            out.put(outArr, 0, n);
            ciphertext.position(ciphertext.position() + len);
            return n;
        } catch (InvalidCipherTextException e) {
            return -1;
        }
    }

    @Override
    public void destroy() {
        Arrays.fill(key.getKey(), (byte) 0); // getKey() exposes the parameter's own copy
    }

    private static byte[] scratchIn(PerThread s) {
        if (s.in == null) s.in = new byte[SCRATCH];
        return s.in;
    }

    private static byte[] scratchOut(PerThread s) {
        if (s.out == null) s.out = new byte[SCRATCH];
        return s.out;
    }
}
