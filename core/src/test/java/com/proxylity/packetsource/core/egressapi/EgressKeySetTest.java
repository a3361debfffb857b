package com.proxylity.packetsource.core.egressapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.egressapi.EgressVerifier.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Key ids and key sets: the egress HMAC key rotates without a moment where one side refuses the other. */
class EgressKeySetTest {
    private static final byte[] OLD = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEW = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY = "{\"Listener\":\"l\",\"Packets\":[]}".getBytes(StandardCharsets.UTF_8);
    private static final long NOW = 1_795_939_200_000L;

    private static String b64(byte[] k) { return Base64.getEncoder().encodeToString(k); }

    private static Verdict send(EgressVerifier v, EgressSigner s) {
        SignedHeaders h = s.sign(BODY, NOW);
        return v.verify(h.keyId(), h.timestamp(), h.nonce(), h.signature(), BODY, NOW);
    }

    @Test
    void bareBase64IsOneKeySignedAndCheckedWithoutAnId() {
        EgressKeySet set = EgressKeySet.parse(b64(OLD) + "\n");
        assertNull(set.currentId());
        EgressSigner signer = EgressSigner.current(set);
        assertNull(signer.sign(BODY, NOW).keyId());
        assertEquals(Verdict.Ok, send(new EgressVerifier(set), signer));
        assertEquals(Verdict.Ok, send(new EgressVerifier(OLD), signer), "the same as before key ids");
    }

    @Test
    void everyStepOfTheRunbookAcceptsWhatEverySignerOfTheStepBeforeSends() {
        String s0 = b64(OLD);
        String s1 = "{\"current\":\"k1\",\"unkeyed\":\"k1\",\"k1\":\"" + b64(OLD) + "\",\"k2\":\"" + b64(NEW) + "\"}";
        String s2 = "{\"current\":\"k2\",\"unkeyed\":\"k1\",\"k1\":\"" + b64(OLD) + "\",\"k2\":\"" + b64(NEW) + "\"}";
        String s3 = "{\"current\":\"k2\",\"k2\":\"" + b64(NEW) + "\"}";
        EgressSigner before = EgressSigner.current(EgressKeySet.parse(s0));
        EgressSigner during = EgressSigner.current(EgressKeySet.parse(s1));
        assertNull(during.keyId(), "current is the unkeyed key: signed as senders with the bare key expect");
        assertEquals(Verdict.Ok, send(new EgressVerifier(EgressKeySet.parse(s0)), during));
        assertEquals(Verdict.Ok, send(new EgressVerifier(EgressKeySet.parse(s1)), during));
        assertEquals(Verdict.Ok, send(new EgressVerifier(EgressKeySet.parse(s2)), during));
        EgressSigner after = EgressSigner.current(EgressKeySet.parse(s2));
        assertEquals("k2", after.keyId());
        assertEquals(Verdict.Ok, send(new EgressVerifier(EgressKeySet.parse(s1)), before));
        assertEquals(Verdict.Ok, send(new EgressVerifier(EgressKeySet.parse(s1)), after));
        assertEquals(Verdict.Ok, send(new EgressVerifier(EgressKeySet.parse(s2)), before));
        assertEquals(Verdict.Ok, send(new EgressVerifier(EgressKeySet.parse(s3)), after));
        assertEquals(Verdict.UnknownKey, send(new EgressVerifier(EgressKeySet.parse(s3)), before), "retired");
    }

    @Test
    void aSignatureIsBoundToTheKeyIdItNames() {
        EgressKeySet set = EgressKeySet.of(Map.of("k1", OLD, "k2", NEW), "k2", null);
        EgressVerifier v = new EgressVerifier(set);
        SignedHeaders h = new EgressSigner("k2", NEW, new SecureRandom()).sign(BODY, NOW);
        assertEquals(Verdict.BadSignature, v.verify("k1", h.timestamp(), h.nonce(), h.signature(), BODY, NOW));
        assertEquals(Verdict.UnknownKey, v.verify(null, h.timestamp(), h.nonce(), h.signature(), BODY, NOW),
                "no unkeyed key: requests without an id are refused");
        assertEquals(Verdict.UnknownKey, v.verify("k3", h.timestamp(), h.nonce(), h.signature(), BODY, NOW));
        assertEquals(Verdict.MalformedHeaders, v.verify("1k", h.timestamp(), h.nonce(), h.signature(), BODY, NOW));
        assertEquals(0, v.rememberedNonces());
        assertEquals(Verdict.Ok, v.verify("k2", h.timestamp(), h.nonce(), h.signature(), BODY, NOW));
        // A nonce is spent whichever key signed it.
        SignedHeaders again = new EgressSigner("k1", OLD, new SecureRandom()).sign(BODY, NOW, h.nonce());
        assertEquals(Verdict.Replayed, v.verify("k1", again.timestamp(), again.nonce(), again.signature(), BODY, NOW));
    }

    @Test
    void theSetIsSmallAndConsistentAndErrorsNeverQuoteKeyMaterial() {
        String k = b64(OLD);
        assertThrows(IllegalArgumentException.class, () -> EgressKeySet.parse(
                "{\"current\":\"a\",\"a\":\"" + k + "\",\"b\":\"" + k + "\",\"c\":\"" + k + "\",\"d\":\"" + k + "\"}"));
        assertThrows(IllegalArgumentException.class, () -> EgressKeySet.parse("{\"current\":\"b\",\"a\":\"" + k + "\"}"));
        assertThrows(IllegalArgumentException.class, () -> EgressKeySet.parse("{\"a\":\"" + k + "\"}"));
        assertThrows(IllegalArgumentException.class,
                () -> EgressKeySet.parse("{\"current\":\"a\",\"unkeyed\":\"z\",\"a\":\"" + k + "\"}"));
        assertThrows(IllegalArgumentException.class, () -> EgressKeySet.parse("{\"current\":\"a\",\"a\":\"c2hvcnQ=\"}"));
        assertThrows(IllegalArgumentException.class,
                () -> EgressKeySet.parse("{\"current\":\"a\",\"a\":\"" + k + "\",\"a\":\"" + k + "\"}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EgressKeySet.parse("{\"current\":\"a\",\"a\":\"" + k + "!\"}"));
        assertFalse(e.getMessage().contains(k), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EgressKeySet.parse("{\"current\":\"a\",\"a\":\"" + k));
        assertFalse(e.getMessage().contains(k), e.getMessage());
        EgressKeySet ok = EgressKeySet.parse("{\"current\":\"a\",\"a\":\"" + k + "\"}");
        assertFalse(ok.toString().contains(k));
        assertTrue(ok.ids().contains("a"));
        assertFalse(ok.acceptsUnkeyed());
    }
}
