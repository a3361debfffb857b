package com.proxylity.packetsource.core.egressapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * The egress HMAC keys one secret holds (docs/architecture.md#egress-api): keys by id, the one a
 * signer uses ({@code current}), and optionally the one that requests without a key id are checked
 * against ({@code unkeyed}, the transition from a single-key secret). Immutable.
 *
 * <p>Secret text: either a bare base64 key (the shape before key ids: one key, signed and checked
 * without an id), or JSON {@code {"current":"k2","unkeyed":"k1","k1":"<base64>","k2":"<base64>"}}:
 * every member but {@code current} and {@code unkeyed} is a key. Flat, so Secrets Manager's own
 * generator ({@code SecretStringTemplate} + {@code GenerateStringKey}) can write it.
 */
public final class EgressKeySet {
    /** Bounded so a request's key id selects one key and the set stays a rotation, not a keyring. */
    public static final int MAX_KEYS = 3;
    private static final int MAX_ID_CHARS = 32;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final Map<String, byte[]> keys;
    private final String current;
    private final String unkeyed;
    private final byte[] unkeyedKey;

    private EgressKeySet(Map<String, byte[]> keys, String current, String unkeyed, byte[] unkeyedKey) {
        this.keys = keys;
        this.current = current;
        this.unkeyed = unkeyed;
        this.unkeyedKey = unkeyedKey;
    }

    /** One key without an id: signed and checked the way it was before key ids. */
    public static EgressKeySet single(byte[] key) {
        byte[] k = checkedKey(key, "egress HMAC key");
        return new EgressKeySet(Map.of(), null, null, k);
    }

    /**
     * @param keys id → key, 1..{@link #MAX_KEYS}
     * @param current the id a signer uses
     * @param unkeyed the id requests without a key id are checked against, or null to refuse them
     */
    public static EgressKeySet of(Map<String, byte[]> keys, String current, String unkeyed) {
        if (keys.isEmpty() || keys.size() > MAX_KEYS) {
            throw new IllegalArgumentException("egress key set holds 1.." + MAX_KEYS + " keys, not " + keys.size());
        }
        Map<String, byte[]> copy = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : keys.entrySet()) {
            if (!wellFormedId(e.getKey())) throw new IllegalArgumentException("egress key id " + e.getKey()
                    + " is not a letter followed by up to " + (MAX_ID_CHARS - 1) + " of [A-Za-z0-9._-]");
            copy.put(e.getKey(), checkedKey(e.getValue(), "egress key " + e.getKey()));
        }
        Objects.requireNonNull(current, "current");
        if (!copy.containsKey(current)) throw new IllegalArgumentException("current egress key " + current + " is not in the set");
        if (unkeyed != null && !copy.containsKey(unkeyed)) {
            throw new IllegalArgumentException("unkeyed egress key " + unkeyed + " is not in the set");
        }
        return new EgressKeySet(Collections.unmodifiableMap(copy), current, unkeyed,
                unkeyed == null ? null : copy.get(unkeyed));
    }

    /** Parses the secret text (see the class comment). Errors name fields, never key material. */
    public static EgressKeySet parse(String secret) {
        String s = Objects.requireNonNull(secret, "egress key secret").strip();
        if (!s.startsWith("{")) return single(base64(s, "egress HMAC key"));
        JsonNode root;
        try {
            root = JSON.readTree(s);
        } catch (IOException e) {
            // Never the parser's message: it may quote the text.
            throw new IllegalArgumentException("egress key secret is not valid JSON");
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException("egress key secret is not a JSON object");
        String current = text(root, "current");
        String unkeyed = root.has("unkeyed") ? text(root, "unkeyed") : null;
        if (current == null) throw new IllegalArgumentException("egress key secret has no \"current\"");
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("current") || e.getKey().equals("unkeyed")) continue;
            if (!e.getValue().isTextual()) throw new IllegalArgumentException("egress key " + e.getKey() + " is not a string");
            keys.put(e.getKey(), base64(e.getValue().asText(), "egress key " + e.getKey()));
        }
        return of(keys, current, unkeyed);
    }

    /** The id a signer sends, or null for a single key without an id. */
    public String currentId() { return current; }

    /** The key a signer uses. */
    public byte[] currentKey() {
        return (current == null ? unkeyedKey : keys.get(current)).clone();
    }

    /** The key for {@code id}, or null when the set does not hold it; null id: the unkeyed key, if any. */
    byte[] key(String id) {
        return id == null ? unkeyedKey : keys.get(id);
    }

    /** Key ids in the set (never the keys). */
    public Set<String> ids() { return keys.keySet(); }

    /** The id requests without a key id are checked against, or null. */
    public String unkeyedId() { return unkeyed; }

    /** Whether requests without a key id are checked at all. */
    public boolean acceptsUnkeyed() { return unkeyedKey != null; }

    /**
     * Key ids start with a letter so an id-prefixed signed string ({@code id "\n" timestamp ...})
     * can never equal an id-less one, whose first line is a digit-only timestamp.
     */
    public static boolean wellFormedId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS) return false;
        char f = id.charAt(0);
        if (!((f >= 'A' && f <= 'Z') || (f >= 'a' && f <= 'z'))) return false;
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.';
            if (!ok) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        return "EgressKeySet[current=" + current + ", unkeyed=" + (unkeyedKey == null ? "refused" : unkeyed == null ? "single" : unkeyed)
                + ", ids=" + keys.keySet() + "]";
    }

    private static String text(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null) return null;
        if (!v.isTextual()) throw new IllegalArgumentException("egress key secret: \"" + field + "\" is not a string");
        return v.asText();
    }

    private static byte[] checkedKey(byte[] key, String what) {
        if (key == null || key.length < EgressApi.MIN_KEY_BYTES) {
            throw new IllegalArgumentException(what + " must be at least " + EgressApi.MIN_KEY_BYTES + " bytes");
        }
        return key.clone();
    }

    private static byte[] base64(String value, String what) {
        try {
            return Base64.getDecoder().decode(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid base64");
        }
    }
}
