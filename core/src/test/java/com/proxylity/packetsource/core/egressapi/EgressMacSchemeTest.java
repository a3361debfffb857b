package com.proxylity.packetsource.core.egressapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.egressapi.EgressVerifier.Verdict;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The two forms of X-PS-Signature: what each MACs, and that neither can pass for the other. */
class EgressMacSchemeTest {
    private static final long NOW = 1_764_000_000_000L;
    private static final String NONCE = "AAAAAAAAAAAAAAAAAAAAAA";

    private static byte[] key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return k;
    }

    private static byte[] body(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 37 + 11);
        return b;
    }

    private static EgressSigner signer(String keyId, byte[] key, EgressMacScheme scheme) {
        return new EgressSigner(keyId, key, new SecureRandom(), scheme);
    }

    @Test
    void poly1305TagIsTheAeadTagOfTheBodyUnderAKeyMadeForTheRequestPassedThroughHmac() throws Exception {
        byte[] body = body(1000);
        SignedHeaders h = signer("k2", key(1), EgressMacScheme.POLY1305).sign(body, NOW, NONCE);

        // The construction written out from docs/sender.md, independently of EgressMac.
        Mac kdf = Mac.getInstance("HmacSHA256");
        kdf.init(new SecretKeySpec(key(1), "HmacSHA256"));
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes("\0packet-source egress poly1305 request key\0k2\0".getBytes(StandardCharsets.US_ASCII));
        in.writeBytes((NOW + "\0" + NONCE).getBytes(StandardCharsets.US_ASCII));
        byte[] requestKey = kdf.doFinal(in.toByteArray());
        Cipher aead = Cipher.getInstance("ChaCha20-Poly1305");
        aead.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(requestKey, "ChaCha20"), new IvParameterSpec(new byte[12]));
        aead.updateAAD(body);
        byte[] polyTag = aead.doFinal();
        ByteArrayOutputStream fin = new ByteArrayOutputStream();
        fin.writeBytes("\0packet-source egress poly1305 tag\0k2\0".getBytes(StandardCharsets.US_ASCII));
        fin.writeBytes((NOW + "\0" + NONCE + "\0").getBytes(StandardCharsets.US_ASCII));
        fin.writeBytes(polyTag);
        byte[] sent = Arrays.copyOf(kdf.doFinal(fin.toByteArray()), 16);
        String expected = "poly1305:" + Base64.getEncoder().encodeToString(sent);

        assertEquals(expected, h.signature());
        assertEquals("k2", h.keyId());
        // Pinned, so a change of label, separator or order cannot pass unnoticed on both sides at once.
        assertEquals("poly1305:qJAFSE8WEWKNNtcikd8E1A==", h.signature());
    }

    @Test
    void signersSendPoly1305() {
        assertTrue(new EgressSigner(key(1)).sign(body(10), NOW).signature().startsWith("poly1305:"));
        EgressKeySet keys = EgressKeySet.single(key(1));
        assertTrue(EgressSigner.current(keys).sign(body(10), NOW).signature().startsWith("poly1305:"));
    }

    @ParameterizedTest
    @EnumSource(EgressMacScheme.class)
    void eitherFormVerifiesWithAndWithoutAKeyId(EgressMacScheme scheme) {
        byte[] body = body(3000);
        EgressVerifier bare = new EgressVerifier(key(1));
        SignedHeaders h = signer(null, key(1), scheme).sign(body, NOW);
        assertEquals(Verdict.Ok, bare.verify(h.timestamp(), h.nonce(), h.signature(), body, NOW));
        assertEquals(Verdict.Replayed, bare.verify(h.timestamp(), h.nonce(), h.signature(), body, NOW));

        EgressKeySet set = EgressKeySet.of(java.util.Map.of("old", key(1), "new", key(2)), "new", null);
        EgressVerifier keyed = new EgressVerifier(set);
        SignedHeaders k = signer("old", key(1), scheme).sign(body, NOW);
        assertEquals(Verdict.Ok, keyed.verify("old", k.timestamp(), k.nonce(), k.signature(), body, NOW));
        // The id is bound: the same tag under the other id (or none) does not pass.
        SignedHeaders k2 = signer("old", key(1), scheme).sign(body, NOW);
        assertEquals(Verdict.BadSignature, keyed.verify("new", k2.timestamp(), k2.nonce(), k2.signature(), body, NOW));
    }

    @ParameterizedTest
    @EnumSource(EgressMacScheme.class)
    void everyTruncationExtensionAndBitFlipIsRefused(EgressMacScheme scheme) {
        byte[] body = body(200);
        EgressVerifier v = new EgressVerifier(key(1));
        SignedHeaders h = signer(null, key(1), scheme).sign(body, NOW, NONCE);
        for (int n = 0; n < body.length; n++) {
            assertEquals(Verdict.BadSignature, v.verify(h.timestamp(), h.nonce(), h.signature(), Arrays.copyOf(body, n), NOW),
                    "truncated to " + n);
        }
        byte[] longer = Arrays.copyOf(body, body.length + 1);
        assertEquals(Verdict.BadSignature, v.verify(h.timestamp(), h.nonce(), h.signature(), longer, NOW));
        for (int bit = 0; bit < body.length * 8; bit += 13) {
            byte[] t = body.clone();
            t[bit / 8] ^= (byte) (1 << (bit % 8));
            assertEquals(Verdict.BadSignature, v.verify(h.timestamp(), h.nonce(), h.signature(), t, NOW), "bit " + bit);
        }
        // Every header the MAC binds: another timestamp or nonce with the same tag fails.
        assertEquals(Verdict.BadSignature, v.verify(Long.toString(NOW + 1), h.nonce(), h.signature(), body, NOW));
        assertEquals(Verdict.BadSignature, v.verify(h.timestamp(), "BAAAAAAAAAAAAAAAAAAAAA", h.signature(), body, NOW));
        assertEquals(Verdict.Ok, v.verify(h.timestamp(), h.nonce(), h.signature(), body, NOW), "refusals spent no nonce");
    }

    @Test
    void aTagOfOneFormNeverPassesAsTheOther() {
        byte[] body = body(64);
        EgressVerifier v = new EgressVerifier(key(1));
        SignedHeaders poly = signer(null, key(1), EgressMacScheme.POLY1305).sign(body, NOW);
        SignedHeaders hmac = signer(null, key(1), EgressMacScheme.HMAC_SHA256).sign(body, NOW);
        String polyBare = poly.signature().substring("poly1305:".length());
        assertEquals(Verdict.MalformedHeaders, v.verify(poly.timestamp(), poly.nonce(), polyBare, body, NOW),
                "a 16-byte tag is no HMAC-SHA256");
        assertEquals(Verdict.MalformedHeaders, v.verify(hmac.timestamp(), hmac.nonce(), "poly1305:" + hmac.signature(), body, NOW),
                "a 32-byte HMAC is no Poly1305 tag");
        // The HMAC's first 16 bytes under the Poly1305 form: a well-formed tag that is wrong.
        byte[] first16 = Arrays.copyOf(Base64.getDecoder().decode(hmac.signature()), 16);
        assertEquals(Verdict.BadSignature, v.verify(hmac.timestamp(), hmac.nonce(),
                "poly1305:" + Base64.getEncoder().encodeToString(first16), body, NOW));
    }

    @Test
    void onlyTheOneSpellingOfATagIsWellFormed() {
        byte[] body = body(64);
        EgressVerifier v = new EgressVerifier(key(1));
        SignedHeaders h = signer(null, key(1), EgressMacScheme.POLY1305).sign(body, NOW);
        String tag = h.signature().substring("poly1305:".length());
        // The decoder takes this for the same bytes: a canonical last character (A, Q, g or w) plus
        // one differs only in the bits a 16-byte tag leaves unused.
        String sameBytes = tag.substring(0, tag.length() - 3) + (char) (tag.charAt(tag.length() - 3) + 1) + "==";
        for (String bad : new String[] {"poly1305:" + sameBytes, "poly1305:" + tag.replace("=", ""), "POLY1305:" + tag, "poly1305: " + tag,
                "poly1305:" + tag + "=", "poly1305:", "poly1305:" + Base64.getUrlEncoder().encodeToString(new byte[16]).replace('A', '-')}) {
            assertEquals(Verdict.MalformedHeaders, v.precheck(h.timestamp(), h.nonce(), bad, NOW), bad);
        }
        assertEquals(Verdict.Ok, v.verify(h.timestamp(), h.nonce(), h.signature(), body, NOW));
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
