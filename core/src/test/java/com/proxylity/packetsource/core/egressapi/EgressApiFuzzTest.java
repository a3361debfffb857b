package com.proxylity.packetsource.core.egressapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The egress API's body parsers and request verifier, fuzzed (issue 9). The JSON parser either
 * returns a request that survives a write/read round trip or throws {@link IOException} (the
 * sender's 400), never anything else, and what it accepts passes an independent strictness check
 * on the raw JSON tree (no duplicate key, every field of its own JSON type, no coercion); the binary one accepts only the canonical encoding. The verifier lets a request through only with a correct HMAC
 * (recomputed here with the JDK directly), a timestamp within the window and a nonce not seen
 * before, and remembers nothing for a request it refuses. Seeds in {@code EgressApiFuzzTestInputs/}.
 */
class EgressApiFuzzTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY2 = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    /** A rotation's set: the old key also checks requests without a key id. */
    private static final EgressKeySet KEYS = EgressKeySet.of(java.util.Map.of("k1", KEY, "k2", KEY2), "k2", "k1");
    private static final String[] KEY_IDS = {null, "k1", "k2", "zz"};
    private static final long NOW = 1_795_939_200_000L;
    private static final long WINDOW = EgressApi.CLOCK_WINDOW.toMillis();

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"{\"Listener\":\"", "\"Packets\":[", "{\"Id\":\"", "\"Address\":\"", "\"Port\":",
            "\"PeerKey\":", "\"Payload\":\"", "null", "9999.5", "\"9999\"", "1e3"})
    void request(byte[] body) throws IOException {
        EgressRequest request;
        try {
            request = EgressJson.readRequest(body);
        } catch (IOException e) {
            return; // a 400
        }
        assertStrictlyTyped(body);
        EgressRequest again = EgressJson.readRequest(EgressJson.writeRequest(request));
        assertEquals(request.listener(), again.listener());
        assertEquals(request.packets().size(), again.packets().size());
        for (int i = 0; i < request.packets().size(); i++) {
            EgressPacket a = request.packets().get(i);
            EgressPacket b = again.packets().get(i);
            assertTrue(a != null && b != null, "a packet is an object");
            assertEquals(a.id(), b.id());
            assertEquals(a.address(), b.address());
            assertEquals(a.port(), b.port());
            assertEquals(a.peerKey(), b.peerKey());
            assertArrayEquals(a.payload(), b.payload());
        }
    }

    /** Jackson's plain tree reader, told only to refuse duplicate keys: no types, no coercions. */
    private static final JsonMapper TREE = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /**
     * The strictness rules of EgressJson, checked on the raw tree of a body it accepted, so a
     * coercion or a duplicate that slips through the typed mapper is a finding: the body is one
     * JSON object without duplicate keys; Listener, Id, Address, PeerKey and Payload are strings
     * (or null/absent); Packets is an array of objects; every Port is a JSON integer that fits an
     * int, never a string, a fraction, a boolean or null.
     */
    private static void assertStrictlyTyped(byte[] body) {
        JsonNode root;
        try {
            root = TREE.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("accepted a body that is not one JSON value without duplicate keys", e);
        }
        assertTrue(root != null && root.isObject(), "accepted a body that is not a JSON object");
        assertTextOrAbsent(root, "Listener");
        JsonNode packets = root.get("Packets");
        if (packets == null || packets.isNull()) return;
        assertTrue(packets.isArray(), "Packets accepted as " + packets.getNodeType());
        for (JsonNode p : packets) {
            assertTrue(p.isObject(), "a packet accepted as " + p.getNodeType());
            for (String field : new String[] {"Id", "Address", "PeerKey", "Payload"}) assertTextOrAbsent(p, field);
            JsonNode port = p.get("Port");
            assertTrue(port != null && port.isIntegralNumber() && port.canConvertToInt(),
                    "Port accepted as " + (port == null ? "absent" : port.getNodeType() + " " + port));
        }
    }

    private static void assertTextOrAbsent(JsonNode o, String field) {
        JsonNode v = o.get(field);
        assertTrue(v == null || v.isNull() || v.isTextual(), field + " accepted as " + (v == null ? "" : v.getNodeType()));
    }

    /**
     * The binary framing, the sender's main wire format: a body is either refused as a whole
     * ({@link EgressBinary.MalformedBatchException}, the sender's 400) or is exactly one
     * well-formed request, which the client's encoder writes back to the same bytes.
     */
    @FuzzTest(maxDuration = "30s")
    void binaryRequest(byte[] body) {
        EgressRequest request;
        try {
            request = EgressBinary.readRequest(body);
        } catch (EgressBinary.MalformedBatchException e) {
            return; // a 400
        }
        assertArrayEquals(body, EgressBinary.writeRequest(request), "accepted bytes are not the canonical encoding");
    }

    /**
     * Input: a flags byte, then timestamp, nonce, signature and body separated by the first three
     * newlines. Flags: bit 0, the signature is replaced by a correct one, so the fuzzer also explores
     * the clock window, the nonce rules and the replay cache; bits 1-2, the key id sent (none, k1,
     * k2, or one the set lacks); bit 3, that signature is made with the other key, a request
     * that names one key but was signed with another; bits 4-7, the chunking.
     */
    @FuzzTest(maxDuration = "30s")
    void verifier(byte[] input) throws Exception {
        if (input.length == 0) return;
        boolean signHere = (input[0] & 1) == 1;
        String keyId = KEY_IDS[(input[0] >>> 1) & 3];
        boolean otherKey = (input[0] & 8) != 0;
        String[] parts = new String(input, 1, input.length - 1, StandardCharsets.ISO_8859_1).split("\n", 4);
        if (parts.length < 4) return;
        String ts = parts[0];
        String nonce = parts[1];
        byte[] body = parts[3].getBytes(StandardCharsets.ISO_8859_1);
        byte[] signingKey = keyFor(keyId);
        if (signingKey == null) signingKey = KEY;
        if (otherKey) signingKey = signingKey == KEY ? KEY2 : KEY;
        String signature = signHere ? Base64.getEncoder().encodeToString(hmac(signingKey, keyId, ts, nonce, body)) : parts[2];

        EgressVerifier verifier = new EgressVerifier(KEYS, WINDOW, 4);
        EgressVerifier.Verdict first = verifier.verify(keyId, ts, nonce, signature, body, NOW);
        boolean genuine = authentic(keyId, ts, nonce, signature, body);
        if (first.ok()) {
            assertTrue(genuine, "accepted without a valid HMAC by the key the request names");
            long t = Long.parseLong(ts);
            assertTrue(Math.abs(NOW - t) <= WINDOW, "accepted outside the clock window");
            assertEquals(1, verifier.rememberedNonces());
            assertEquals(EgressVerifier.Verdict.Replayed, verifier.verify(keyId, ts, nonce, signature, body, NOW));
        } else {
            assertEquals(0, verifier.rememberedNonces(), "a refused request left state behind");
            assertNotEquals(EgressVerifier.Verdict.Replayed, first);
            assertNotEquals(EgressVerifier.Verdict.ReplayCacheFull, first);
        }
        // The sender verifies chunk by chunk as the body arrives: same verdict, for any chunking.
        EgressVerifier chunked = new EgressVerifier(KEYS, WINDOW, 4);
        EgressVerifier.Incremental in = chunked.begin(keyId, ts, nonce, signature, NOW);
        EgressVerifier.Verdict second;
        if (in == null) {
            second = chunked.precheck(keyId, ts, nonce, signature, NOW);
        } else {
            int chunk = 1 + ((input[0] & 0xFF) >>> 4);
            for (int off = 0; off < body.length; off += chunk) in.update(body, off, Math.min(chunk, body.length - off));
            second = in.finish(NOW);
        }
        assertEquals(first, second, "chunk-wise verification disagrees with the whole-body check");
        if (genuine && first != EgressVerifier.Verdict.Ok) {
            // Refusing a correctly signed request is right only for a bad shape or a stale clock.
            assertTrue(first == EgressVerifier.Verdict.MalformedHeaders || first == EgressVerifier.Verdict.Stale, first::name);
        }
        if (signHere && otherKey) {
            assertNotEquals(EgressVerifier.Verdict.Ok, first, "accepted a request signed by a key other than the one it names");
        }
    }

    private static byte[] keyFor(String keyId) {
        return keyId == null || keyId.equals("k1") ? KEY : keyId.equals("k2") ? KEY2 : null;
    }

    /** Signed by the key the request names (no id: the set's unkeyed one), over that id too. */
    private static boolean authentic(String keyId, String ts, String nonce, String signature, byte[] body)
            throws Exception {
        byte[] key = keyFor(keyId);
        if (key == null) return false;
        byte[] given;
        try {
            given = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(key, keyId, ts, nonce, body), given)
                && ts.chars().allMatch(c -> c < 0x80) && nonce.chars().allMatch(c -> c < 0x80);
    }

    private static byte[] hmac(byte[] key, String keyId, String ts, String nonce, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] head = ((keyId == null ? "" : keyId + "\n") + ts + "\n" + nonce + "\n").getBytes(StandardCharsets.ISO_8859_1);
        mac.update(head);
        return mac.doFinal(body);
    }
}
