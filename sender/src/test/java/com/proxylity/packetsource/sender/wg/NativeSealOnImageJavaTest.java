package com.proxylity.packetsource.sender.wg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.wireguard.crypto.AeadKey;
import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The libcrypto seal (ChaChaPoly.OPENSSL), on the image's Java only (the sender's default test
 * run, on Java 17, leaves out every *OnImageJavaTest): byte for byte what SunJCE gives, whatever
 * the thread, key order, size, padding or buffer offset; refusals write nothing.
 */
class NativeSealOnImageJavaTest {
    private static byte[] key(int seed) {
        byte[] k = new byte[ChaChaPoly.KEY_LEN];
        new SplittableRandom(seed).nextBytes(k);
        return k;
    }

    private static ByteBuffer sealed(AeadKey k, long counter, byte[] text, int pad, boolean direct, int offset) {
        ByteBuffer out = direct ? ByteBuffer.allocateDirect(offset + text.length + pad + 16)
                : ByteBuffer.allocate(offset + text.length + pad + 16);
        out.position(offset);
        assertEquals(text.length + pad + 16, k.seal(counter, ByteBuffer.wrap(text), pad, out));
        assertEquals(out.limit(), out.position());
        return out.position(offset);
    }

    /** Core's known answer (WireGuardCryptoKatTest) seals into a heap buffer, which libcrypto leaves to SunJCE. */
    @Test
    void theKnownAnswerForWireGuardsNonceComesOutOfADirectBuffer() {
        byte[] k = new byte[ChaChaPoly.KEY_LEN];
        for (int i = 0; i < k.length; i++) k[i] = (byte) (0x80 + i);
        byte[] text = "Ladies and Gentlemen".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocateDirect(64);
        assertEquals(36, ChaChaPoly.OPENSSL.newKey(k).seal(0x0102030405060708L, ByteBuffer.wrap(text), 0, out));
        byte[] got = new byte[36];
        out.flip().get(got);
        assertEquals("b8d08ad235a97bbc4dd551cc6b1911b3961e31855b00cd88e3b0844cc2ccfe72c4ab2147",
                java.util.HexFormat.of().formatHex(got));
    }

    @Test
    void everySizeAndPaddingAtAnyOffsetSealsAsSunJceDoesAndOpens() {
        AeadKey ours = ChaChaPoly.OPENSSL.newKey(key(2));
        AeadKey theirs = ChaChaPoly.JDK.newKey(key(2));
        SplittableRandom r = new SplittableRandom(3);
        long counter = 0;
        for (int len : new int[] {0, 1, 15, 16, 17, 63, 64, 65, 199, 200, 1419, 1420, 4096, 65_519}) {
            for (int pad = 0; pad < 16; pad += (len > 2000 ? 5 : 1)) {
                byte[] text = new byte[len];
                r.nextBytes(text);
                int offset = r.nextInt(40);
                counter += 1 + r.nextInt(3);
                ByteBuffer a = sealed(ours, counter, text, pad, true, offset);
                ByteBuffer b = sealed(theirs, counter, text, pad, false, offset);
                assertEquals(b, a, "length " + len + " pad " + pad);
                ByteBuffer plain = ByteBuffer.allocate(len + pad);
                assertEquals(len + pad, theirs.open(counter, a.duplicate(), plain));
                for (int i = 0; i < pad; i++) assertEquals(0, plain.get(len + i));
            }
        }
    }

    @Test
    void keysAlternatingOnOneThreadEachSealUnderTheirOwn() {
        AeadKey a = ChaChaPoly.OPENSSL.newKey(key(4));
        AeadKey b = ChaChaPoly.OPENSSL.newKey(key(5));
        AeadKey aRef = ChaChaPoly.JDK.newKey(key(4));
        AeadKey bRef = ChaChaPoly.JDK.newKey(key(5));
        byte[] text = new byte[300];
        for (long c = 0; c < 50; c++) {
            AeadKey k = c % 3 == 0 ? b : a;
            AeadKey ref = k == a ? aRef : bRef;
            text[(int) c] = (byte) c;
            assertEquals(sealed(ref, c, text, 4, false, 0), sealed(k, c, text, 4, true, 0), "packet " + c);
        }
    }

    @Test
    void manyThreadsSealingWithOneKeyAtOnceEachGetWhatSunJceGives() throws Exception {
        AeadKey ours = ChaChaPoly.OPENSSL.newKey(key(6));
        AeadKey theirs = ChaChaPoly.JDK.newKey(key(6));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                Callable<Integer> work = () -> {
                    SplittableRandom r = new SplittableRandom(thread);
                    for (int i = 0; i < 2_000; i++) {
                        long counter = thread * 1_000_000L + i;
                        byte[] text = new byte[r.nextInt(1500)];
                        r.nextBytes(text);
                        int pad = r.nextInt(16);
                        assertEquals(sealed(theirs, counter, text, pad, false, 3), sealed(ours, counter, text, pad, true, 3));
                    }
                    return thread;
                };
                done.add(pool.submit(work));
            }
            for (Future<Integer> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tooLittleRoomOrTheSameCounterTwiceIsRefusedAndWritesNothing() {
        AeadKey k = ChaChaPoly.OPENSSL.newKey(key(7));
        byte[] text = new byte[100];
        ByteBuffer whole = ByteBuffer.allocateDirect(200);
        ByteBuffer room = whole.duplicate().position(10).limit(10 + 100 + 3 + 16 - 1).slice();
        assertThrows(IllegalStateException.class, () -> k.seal(1, ByteBuffer.wrap(text), 3, room));
        for (int i = 0; i < whole.capacity(); i++) assertEquals(0, whole.get(i), "byte " + i);

        sealed(k, 9, text, 0, true, 0);
        ByteBuffer out = ByteBuffer.allocateDirect(200);
        assertThrows(IllegalStateException.class, () -> k.seal(9, ByteBuffer.wrap(text), 0, out),
                "a counter sealed twice in a row under one key is a bug, never a packet");
        assertEquals(0, out.position());
        sealed(k, 10, text, 0, true, 0);
    }

    @Test
    void aPaddingLengthThatOverflowsTheSizeIsRefusedAndWritesNothing() {
        AeadKey k = ChaChaPoly.OPENSSL.newKey(key(9));
        byte[] text = new byte[10];
        java.util.Arrays.fill(text, (byte) 0x41);
        ByteBuffer plain = ByteBuffer.wrap(text);
        ByteBuffer out = ByteBuffer.allocateDirect(64);
        // text + pad wraps to a negative int: as an int sum it would pass any room check
        assertThrows(IllegalStateException.class, () -> k.seal(1, plain, Integer.MAX_VALUE - 5, out));
        assertEquals(0, out.position());
        assertEquals(0, plain.position());
        for (int i = 0; i < out.capacity(); i++) assertEquals(0, out.get(i), "byte " + i);
    }

    @Test
    void aReadOnlyDirectBufferIsRefusedEvenForAnEmptyMessage() {
        AeadKey k = ChaChaPoly.OPENSSL.newKey(key(10));
        ByteBuffer backing = ByteBuffer.allocateDirect(32);
        // an empty message copies nothing in, so only the tag would land in read-only memory
        assertThrows(java.nio.ReadOnlyBufferException.class,
                () -> k.seal(1, ByteBuffer.allocate(0), 0, backing.asReadOnlyBuffer()));
        for (int i = 0; i < backing.capacity(); i++) assertEquals(0, backing.get(i), "byte " + i);
    }

    @Test
    void plaintextSharingTheOutputsMemorySealsAsACopyOfItWould() {
        byte[] k = key(11);
        byte[] text = new byte[100];
        new SplittableRandom(12).nextBytes(text);
        ByteBuffer expected = sealed(ChaChaPoly.JDK.newKey(k), 77, text, 5, false, 0);
        // in place, ahead of the output, inside it, and overlapping its padding and tag
        for (int shift : new int[] {0, 16, 7, -3, 50, 120}) {
            ByteBuffer memory = ByteBuffer.allocateDirect(400);
            int outAt = 100;
            memory.put(outAt + shift, text);
            ByteBuffer in = memory.duplicate().position(outAt + shift).limit(outAt + shift + text.length);
            ByteBuffer out = memory.duplicate().position(outAt);
            assertEquals(121, ChaChaPoly.OPENSSL.newKey(k).seal(77, in, 5, out), "shift " + shift);
            assertEquals(expected, memory.slice(outAt, 121), "shift " + shift);
        }
    }

    @Test
    void countersNearTheTopOfTheRangeSealAsSunJceDoes() {
        AeadKey ours = ChaChaPoly.OPENSSL.newKey(key(13));
        AeadKey theirs = ChaChaPoly.JDK.newKey(key(13));
        byte[] text = new byte[33];
        for (long c : new long[] {0xFFFF_FFFFL, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE, -8193L, -2L, -1L}) {
            ByteBuffer a = sealed(ours, c, text, 3, true, 0);
            assertEquals(sealed(theirs, c, text, 3, false, 0), a, Long.toUnsignedString(c));
            assertEquals(36, theirs.open(c, a.duplicate(), ByteBuffer.allocate(36)), Long.toUnsignedString(c));
        }
    }

    @Test
    void aHeapBufferIsSealedBySunJceWithTheSameResult() {
        AeadKey ours = ChaChaPoly.OPENSSL.newKey(key(8));
        byte[] text = new byte[64];
        ByteBuffer heap = sealed(ours, 5, text, 0, false, 0);
        ByteBuffer direct = sealed(ChaChaPoly.OPENSSL.newKey(key(8)), 5, text, 0, true, 0);
        assertEquals(heap, direct);
        assertTrue(heap.hasArray());
    }
}
