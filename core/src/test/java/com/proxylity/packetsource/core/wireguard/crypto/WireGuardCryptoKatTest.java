package com.proxylity.packetsource.core.wireguard.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known-answer tests for the primitives. Vectors: RFC 7693 (BLAKE2s), RFC 7748 (X25519),
 * RFC 8439 section 2.8.2 (ChaCha20-Poly1305), draft-irtf-cfrg-xchacha (HChaCha20, XChaCha20-Poly1305
 * appendix A.3.1). Keyed BLAKE2s, HMAC-BLAKE2s and the KDF have no published vectors; their
 * expected values were computed with Python's hashlib/hmac (an independent implementation).
 */
class WireGuardCryptoKatTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY_00_1F = seq(0x00, 32);
    private static final byte[] KEY_80_9F = seq(0x80, 32);
    private static final byte[] AAD = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
    private static final byte[] SUNSCREEN = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
            + "for the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    private static final String RFC8439_CT_TAG = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca96712"
            + "82fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4"
            + "def08e4b7a9de576d26586cec64b6116" + "1ae10b594f09e26a7e902ecbd0600691";

    @Test
    void blake2sRfc7693() {
        assertEquals("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
                HEX.formatHex(Blake2s.hash("abc".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(HEX.formatHex(Blake2s.hash("abc".getBytes(StandardCharsets.US_ASCII))),
                HEX.formatHex(Blake2s.hash("a".getBytes(StandardCharsets.US_ASCII), "bc".getBytes(StandardCharsets.US_ASCII))),
                "HASH(a || b) concatenates its parts");
    }

    @Test
    void keyedMacHmacAndKdf() {
        byte[] msg = "WireGuard mac input".getBytes(StandardCharsets.US_ASCII);
        assertEquals("ca44379208b282945e66739361ef8869", HEX.formatHex(Blake2s.mac(KEY_00_1F, msg)));
        assertEquals("3f78ec31ca92c3bd1c219669516de74368b92e4a23c924abc5021a2e023c30f9", HEX.formatHex(Blake2s.hmac(KEY_00_1F, msg)));
        byte[][] t = Blake2s.kdf3(KEY_00_1F, msg);
        assertEquals("8e0891459995d80d5d1101ad17450e9f8bc4b88daaf1966fce99650790256d46", HEX.formatHex(t[0]));
        assertEquals("0257e55ae695cbbebc833c999c9d1762abd8de8d221a5720ef584c0edbc358c3", HEX.formatHex(t[1]));
        assertEquals("aa2df2030f7853bb612595b67782e259a563cc74ddb57ee19b9fccb88ff0c858", HEX.formatHex(t[2]));
        assertArrayEquals(t[0], Blake2s.kdf1(KEY_00_1F, msg));
        assertArrayEquals(t[1], Blake2s.kdf2(KEY_00_1F, msg)[1]);
    }

    @Test
    void x25519Rfc7748() {
        // Section 5.2, first vector (scalar is clamped inside the function).
        byte[] scalar = HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        byte[] u = HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", HEX.formatHex(X25519Keys.dh(scalar, u)));
        // Section 6.1: Alice and Bob.
        byte[] a = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] b = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", HEX.formatHex(X25519Keys.publicKey(a)));
        assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", HEX.formatHex(X25519Keys.publicKey(b)));
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertEquals(shared, HEX.formatHex(X25519Keys.dh(a, X25519Keys.publicKey(b))));
        assertEquals(shared, HEX.formatHex(X25519Keys.dh(b, X25519Keys.publicKey(a))));
        assertNull(X25519Keys.dh(a, new byte[32]), "a low-order point gives an all-zero secret, which is refused");
    }

    @Test
    void chachaPolyRfc8439WithAad() {
        byte[] nonce = HEX.parseHex("070000004041424344454647");
        assertEquals(RFC8439_CT_TAG, HEX.formatHex(ChaChaPoly.sealWithNonce(KEY_80_9F, nonce, SUNSCREEN, AAD)));
        assertArrayEquals(SUNSCREEN, ChaChaPoly.openWithNonce(KEY_80_9F, nonce, HEX.parseHex(RFC8439_CT_TAG), AAD));
        byte[] tampered = HEX.parseHex(RFC8439_CT_TAG);
        tampered[3] ^= 1;
        assertNull(ChaChaPoly.openWithNonce(KEY_80_9F, nonce, tampered, AAD));
    }

    /** A padding length that would wrap an int sum is refused before any byte is written, by every AEAD. */
    @ParameterizedTest
    @MethodSource("com.proxylity.packetsource.core.testing.TransportAeads#usable")
    void anOverflowingPaddingLengthIsRefusedAndWritesNothing(ChaChaPoly impl) {
        AeadKey key = impl.newKey(KEY_80_9F);
        for (ByteBuffer out : new ByteBuffer[] {ByteBuffer.allocate(64), ByteBuffer.allocateDirect(64)}) {
            for (int padLen : new int[] {Integer.MAX_VALUE - 5, Integer.MAX_VALUE, -1}) {
                ByteBuffer in = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
                assertThrows(IllegalStateException.class, () -> key.seal(1, in, padLen, out), impl + " padLen " + padLen);
                assertEquals(0, out.position());
                for (int i = 0; i < out.capacity(); i++) assertEquals(0, out.get(i), impl + " byte " + i);
            }
        }
    }

    /** Both transport implementations give the same bytes for WireGuard's nonce (4 zero bytes + LE64 counter). */
    @ParameterizedTest
    @MethodSource("com.proxylity.packetsource.core.testing.TransportAeads#usable")
    void transportNonceLayoutAndPadding(ChaChaPoly impl) {
        AeadKey key = impl.newKey(KEY_80_9F);
        byte[] pt = java.util.Arrays.copyOf(SUNSCREEN, 20);
        ByteBuffer out = ByteBuffer.allocate(64);
        ByteBuffer in = ByteBuffer.wrap(pt);
        int n = key.seal(0x0102030405060708L, in, 0, out);
        assertEquals(36, n);
        assertEquals(0, in.remaining());
        byte[] got = java.util.Arrays.copyOf(out.array(), n);
        // Python 'cryptography' ChaCha20Poly1305 with nonce 00000000 || 0807060504030201.
        assertEquals("b8d08ad235a97bbc4dd551cc6b1911b3961e31855b00cd88e3b0844cc2ccfe72c4ab2147", HEX.formatHex(got));
        for (int i = 0; i < 2; i++) { // twice: a duplicate datagram must open again (the replay window rejects it, not the cipher)
            ByteBuffer plain = ByteBuffer.allocate(64);
            assertEquals(20, key.open(0x0102030405060708L, ByteBuffer.wrap(got), plain));
            assertArrayEquals(pt, java.util.Arrays.copyOf(plain.array(), 20));
        }
        assertEquals(-1, key.open(0x0102030405060709L, ByteBuffer.wrap(got), ByteBuffer.allocate(64)), "wrong counter");
        byte[] forged = got.clone();
        forged[0] ^= 1;
        assertEquals(-1, key.open(0x0102030405060708L, ByteBuffer.wrap(forged), ByteBuffer.allocate(64)));

        // Direct buffers, and padding: plaintext followed by zero bytes, as sealing the zero-extended text.
        AeadKey other = impl.newKey(KEY_00_1F);
        ByteBuffer directIn = ByteBuffer.allocateDirect(20).put(pt).flip();
        ByteBuffer directOut = ByteBuffer.allocateDirect(64);
        assertEquals(48, other.seal(7, directIn, 12, directOut));
        byte[] padded = new byte[48];
        directOut.flip().get(padded);
        byte[] nonce7 = new byte[12];
        AeadKey.writeNonce(nonce7, 7);
        assertEquals(HEX.formatHex(ChaChaPoly.sealWithNonce(KEY_00_1F, nonce7, java.util.Arrays.copyOf(pt, 32), null)),
                HEX.formatHex(padded));
        ByteBuffer directPlain = ByteBuffer.allocateDirect(64);
        assertEquals(32, other.open(7, ByteBuffer.allocateDirect(48).put(padded).flip(), directPlain));
    }

    @Test
    void jdkAndBouncyCastleAgreeOnEverySize() {
        AeadKey jdk = ChaChaPoly.JDK.newKey(KEY_00_1F);
        AeadKey bc = ChaChaPoly.BOUNCY_CASTLE.newKey(KEY_00_1F);
        for (int len : new int[] {0, 1, 15, 16, 63, 64, 65, 511, 1420, 4096}) {
            byte[] pt = seq(len, len);
            ByteBuffer a = ByteBuffer.allocate(len + 32);
            ByteBuffer b = ByteBuffer.allocate(len + 32);
            jdk.seal(len, ByteBuffer.wrap(pt), 3, a);
            bc.seal(len, ByteBuffer.wrap(pt), 3, b);
            assertEquals(a.flip(), b.flip(), "length " + len);
        }
        // Largest first, into a direct buffer at an offset (a slice of the batch's send buffer): a
        // reused sealing array must never leak an earlier packet's bytes into the padding or tag.
        for (int len : new int[] {4096, 1420, 65, 17, 1, 0}) {
            byte[] pt = seq(len + 1, len);
            ByteBuffer a = ByteBuffer.allocateDirect(len + 64).position(5);
            ByteBuffer b = ByteBuffer.allocate(len + 64).position(5);
            assertEquals(len + 15 + 16, jdk.seal(100_000 + len, ByteBuffer.wrap(pt), 15, a));
            bc.seal(100_000 + len, ByteBuffer.wrap(pt), 15, b);
            assertEquals(a.flip().position(5), b.flip().position(5), "length " + len + " after a longer one");
        }
    }

    @Test
    void hchacha20AndXChaChaDraftVectors() {
        assertEquals("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc",
                HEX.formatHex(XChaCha20Poly1305.hchacha20(KEY_00_1F, HEX.parseHex("000000090000004a0000000031415927"))));
        byte[] nonce = seq(0x40, 24);
        byte[] ct = XChaCha20Poly1305.seal(KEY_80_9F, nonce, SUNSCREEN, AAD);
        String hex = HEX.formatHex(ct);
        assertTrue(hex.startsWith("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"), hex);
        assertTrue(hex.endsWith("c0875924c1c7987947deafd8780acf49"), hex);
        assertArrayEquals(SUNSCREEN, XChaCha20Poly1305.open(KEY_80_9F, nonce, ct, AAD));
        ct[ct.length - 1] ^= 1;
        assertNull(XChaCha20Poly1305.open(KEY_80_9F, nonce, ct, AAD));
    }

    @Test
    void tai64nOrdersByTime() {
        byte[] t1 = Tai64n.of(1_700_000_000L, 0);
        byte[] t2 = Tai64n.of(1_700_000_000L, 20_000_000);
        byte[] t3 = Tai64n.of(1_700_000_001L, 0);
        assertEquals("400000006553f10a00000000", HEX.formatHex(t1));
        assertTrue(Tai64n.isAfter(t2, t1));
        assertTrue(Tai64n.isAfter(t3, t2));
        assertFalse(Tai64n.isAfter(t1, t1));
        assertFalse(Tai64n.isAfter(t1, t3));
        assertTrue(Tai64n.isAfter(t1, null));
        assertArrayEquals(Tai64n.of(5, 0), Tai64n.of(5, 1000), "sub-16 ms precision is whitened away");
    }

    private static byte[] seq(int start, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) (start + i);
        return b;
    }
}
