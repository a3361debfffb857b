package com.proxylity.packetsource.core.egressapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.proxylity.packetsource.core.egressapi.EgressVerifier.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class EgressAuthTest {
    private static final byte[] KEY = key(1);
    private static final byte[] BODY = "{\"Listener\":\"l\",\"Packets\":[]}".getBytes(StandardCharsets.UTF_8);
    private static final long NOW = 1_764_000_000_000L;

    private static byte[] key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return k;
    }

    private static Verdict check(EgressVerifier v, SignedHeaders h, byte[] body, long now) {
        return v.verify(h.timestamp(), h.nonce(), h.signature(), body, now);
    }

    @Test
    void hmacSignatureIsHmacSha256OverTimestampNonceBody() throws Exception {
        SignedHeaders h = new EgressSigner(null, KEY, new java.security.SecureRandom(), EgressMacScheme.HMAC_SHA256)
                .sign(BODY, NOW, "AAAAAAAAAAAAAAAAAAAAAA");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        byte[] prefix = (NOW + "\nAAAAAAAAAAAAAAAAAAAAAA\n").getBytes(StandardCharsets.US_ASCII);
        mac.update(prefix);
        String expected = Base64.getEncoder().encodeToString(mac.doFinal(BODY));
        assertEquals(Long.toString(NOW), h.timestamp());
        assertEquals(expected, h.signature());
    }

    @Test
    void freshNonceIs16RandomBytesBase64Url() {
        SignedHeaders a = new EgressSigner(KEY).sign(BODY, NOW);
        SignedHeaders b = new EgressSigner(KEY).sign(BODY, NOW);
        assertEquals(16, Base64.getUrlDecoder().decode(a.nonce()).length);
        assertEquals(false, a.nonce().equals(b.nonce()));
    }

    @Test
    void acceptsOnceThenRejectsReplay() {
        EgressVerifier v = new EgressVerifier(KEY);
        SignedHeaders h = new EgressSigner(KEY).sign(BODY, NOW);
        assertEquals(Verdict.Ok, check(v, h, BODY, NOW + 5));
        assertEquals(Verdict.Replayed, check(v, h, BODY, NOW + 6));
    }

    @Test
    void rejectsWrongKeyAndTamperedBody() {
        EgressVerifier v = new EgressVerifier(KEY);
        SignedHeaders wrongKey = new EgressSigner(key(2)).sign(BODY, NOW);
        assertEquals(Verdict.BadSignature, check(v, wrongKey, BODY, NOW));
        SignedHeaders h = new EgressSigner(KEY).sign(BODY, NOW);
        byte[] tampered = BODY.clone();
        tampered[3] ^= 1;
        assertEquals(Verdict.BadSignature, check(v, h, tampered, NOW));
        // Moving the timestamp breaks the signature too.
        assertEquals(Verdict.BadSignature,
                v.verify(Long.toString(NOW + 1), h.nonce(), h.signature(), BODY, NOW));
        // A failed attempt leaves no nonce behind.
        assertEquals(0, v.rememberedNonces());
        assertEquals(Verdict.Ok, check(v, h, BODY, NOW));
    }

    @Test
    void clockWindowIsThirtySecondsEitherWay() {
        EgressVerifier v = new EgressVerifier(KEY);
        EgressSigner s = new EgressSigner(KEY);
        assertEquals(Verdict.Ok, check(v, s.sign(BODY, NOW - 30_000), BODY, NOW));
        assertEquals(Verdict.Ok, check(v, s.sign(BODY, NOW + 30_000), BODY, NOW));
        assertEquals(Verdict.Stale, check(v, s.sign(BODY, NOW - 30_001), BODY, NOW));
        assertEquals(Verdict.Stale, check(v, s.sign(BODY, NOW + 30_001), BODY, NOW));
    }

    @Test
    void nonceIsForgottenOnlyAfterItsTimestampLeftTheWindow() {
        EgressVerifier v = new EgressVerifier(KEY);
        SignedHeaders h = new EgressSigner(KEY).sign(BODY, NOW);
        assertEquals(Verdict.Ok, check(v, h, BODY, NOW - 29_000));
        assertEquals(Verdict.Replayed, check(v, h, BODY, NOW + 30_000));
        assertEquals(Verdict.Stale, check(v, h, BODY, NOW + 30_001));
        // The next accepted request evicts it: only the new nonce is remembered.
        assertEquals(Verdict.Ok, check(v, new EgressSigner(KEY).sign(BODY, NOW + 30_001), BODY, NOW + 30_001));
        assertEquals(1, v.rememberedNonces());
    }

    @Test
    void cacheIsBoundedAndRefusesRatherThanForgetting() {
        EgressVerifier v = new EgressVerifier(KEY, 30_000, 2);
        EgressSigner s = new EgressSigner(KEY);
        assertEquals(Verdict.Ok, check(v, s.sign(BODY, NOW), BODY, NOW));
        assertEquals(Verdict.Ok, check(v, s.sign(BODY, NOW + 10_000), BODY, NOW));
        assertEquals(Verdict.ReplayCacheFull, check(v, s.sign(BODY, NOW), BODY, NOW));
        assertEquals(2, v.rememberedNonces());
        // Once the first nonce expires, there is room again.
        assertEquals(Verdict.Ok, check(v, s.sign(BODY, NOW + 31_000), BODY, NOW + 30_001));
    }

    @Test
    void malformedHeaders() {
        EgressVerifier v = new EgressVerifier(KEY);
        SignedHeaders h = new EgressSigner(KEY).sign(BODY, NOW);
        assertEquals(Verdict.MalformedHeaders, v.verify(null, h.nonce(), h.signature(), BODY, NOW));
        assertEquals(Verdict.MalformedHeaders, v.verify(h.timestamp(), null, h.signature(), BODY, NOW));
        assertEquals(Verdict.MalformedHeaders, v.verify(h.timestamp(), h.nonce(), null, BODY, NOW));
        assertEquals(Verdict.MalformedHeaders, v.verify("-5", h.nonce(), h.signature(), BODY, NOW));
        assertEquals(Verdict.MalformedHeaders, v.verify("12a", h.nonce(), h.signature(), BODY, NOW));
        assertEquals(Verdict.MalformedHeaders, v.verify("99999999999999999999", h.nonce(), h.signature(), BODY, NOW));
        assertEquals(Verdict.MalformedHeaders, v.verify(h.timestamp(), "short", h.signature(), BODY, NOW));
        assertEquals(Verdict.MalformedHeaders, v.verify(h.timestamp(), "a b c d e f g h i j k", h.signature(), BODY, NOW));
        assertEquals(Verdict.MalformedHeaders, v.verify(h.timestamp(), h.nonce(), "!!notbase64", BODY, NOW));
    }

    /** The body-less checks a server runs as soon as headers arrive agree with the full verify. */
    @Test
    void precheckRefusesWhatCanNeverPassWithoutTheBody() {
        EgressVerifier v = new EgressVerifier(KEY);
        SignedHeaders h = new EgressSigner(KEY).sign(BODY, NOW);
        assertEquals(Verdict.Ok, v.precheck(h.timestamp(), h.nonce(), h.signature(), NOW));
        assertEquals(Verdict.Stale, v.precheck(h.timestamp(), h.nonce(), h.signature(), NOW + 30_001));
        assertEquals(Verdict.MalformedHeaders, v.precheck(h.timestamp(), h.nonce(), "!!notbase64", NOW));
        assertEquals(Verdict.MalformedHeaders, v.precheck(h.timestamp(), h.nonce(), "A".repeat(400), NOW));
        assertEquals(Verdict.MalformedHeaders, v.precheck(null, h.nonce(), h.signature(), NOW));
        assertEquals(0, v.rememberedNonces(), "precheck grows no state");
        // The in-place form checks exactly the given range of a larger buffer.
        byte[] framed = new byte[BODY.length + 6];
        System.arraycopy(BODY, 0, framed, 3, BODY.length);
        assertEquals(Verdict.Ok, v.verify(h.timestamp(), h.nonce(), h.signature(), framed, 3, BODY.length, NOW));
        assertEquals(Verdict.MalformedHeaders, v.verify(h.timestamp(), h.nonce(), h.signature(), framed, 3, framed.length, NOW));
    }

    /**
     * Two event loops read their clocks before the cache's lock: the later reading forgets a nonce
     * whose request the earlier one is still judging inside the window. Its replay must not pass.
     */
    @Test
    void aNonceForgottenByALaterClockReadingIsNotAcceptedAgain() {
        EgressVerifier v = new EgressVerifier(KEY);
        EgressSigner s = new EgressSigner(KEY);
        SignedHeaders r = s.sign(BODY, NOW);
        assertEquals(Verdict.Ok, check(v, r, BODY, NOW));
        long window = EgressApi.CLOCK_WINDOW.toMillis();
        assertEquals(Verdict.Ok, check(v, s.sign(BODY, NOW + window + 1), BODY, NOW + window + 1), "evicts r's nonce");
        assertEquals(Verdict.Stale, check(v, r, BODY, NOW + window), "r replayed, judged at the earlier reading");
    }

    @Test
    void shortKeysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EgressSigner(new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> new EgressVerifier(new byte[31]));
    }

    /** Fed in chunks as a body arrives: the verdicts are those of the whole-body check. */
    private static Verdict inChunks(EgressVerifier v, SignedHeaders h, byte[] body, int chunk, long begin, long end) {
        EgressVerifier.Incremental in = v.begin(h.timestamp(), h.nonce(), h.signature(), begin);
        if (in == null) return v.precheck(h.timestamp(), h.nonce(), h.signature(), begin);
        for (int off = 0; off < body.length; off += chunk) in.update(body, off, Math.min(chunk, body.length - off));
        return in.finish(end);
    }

    @Test
    void incrementalVerificationGivesTheWholeBodyVerdicts() {
        byte[] body = new byte[10_000];
        for (int i = 0; i < body.length; i++) body[i] = (byte) (i * 31);
        for (int chunk : new int[] {1, 7, 64, 4096, 10_000}) {
            EgressVerifier v = new EgressVerifier(KEY);
            SignedHeaders h = new EgressSigner(KEY).sign(body, NOW);
            assertEquals(Verdict.Ok, inChunks(v, h, body, chunk, NOW, NOW + 5), "chunk " + chunk);
            assertEquals(Verdict.Replayed, inChunks(v, h, body, chunk, NOW, NOW + 6), "chunk " + chunk);
            assertEquals(Verdict.Replayed, check(v, h, body, NOW + 7), "one nonce cache for both forms");
            byte[] tampered = body.clone();
            tampered[body.length - 1] ^= 1;
            SignedHeaders fresh = new EgressSigner(KEY).sign(body, NOW);
            assertEquals(Verdict.BadSignature, inChunks(v, fresh, tampered, chunk, NOW, NOW + 5), "chunk " + chunk);
            assertEquals(Verdict.Ok, inChunks(v, fresh, body, chunk, NOW, NOW + 5), "a refused body spends no nonce");
        }
        EgressVerifier v = new EgressVerifier(KEY);
        SignedHeaders h = new EgressSigner(KEY).sign(body, NOW);
        long late = NOW + EgressApi.CLOCK_WINDOW.toMillis() + 1;
        assertEquals(Verdict.Stale, inChunks(v, h, body, 4096, NOW, late), "the clock is judged again at the end");
        assertEquals(Verdict.Stale, inChunks(v, h, body, 4096, late, late), "and at the start");
        EgressVerifier.Incremental once = v.begin(h.timestamp(), h.nonce(), h.signature(), NOW);
        once.update(body, 0, body.length);
        assertEquals(Verdict.Ok, once.finish(NOW));
        assertThrows(IllegalStateException.class, () -> once.finish(NOW));
        assertThrows(IllegalStateException.class, () -> once.update(body, 0, 1));
    }
}
