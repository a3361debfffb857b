package com.proxylity.packetsource.core.egressapi;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Client side of the egress API authentication: signs a request body. Thread-safe.
 * The caller sends the headers of {@link #sign(byte[], long)} with the exact body bytes.
 */
public final class EgressSigner {
    private final EgressMac mac;
    private final String keyId;
    private final SecureRandom random;
    private final EgressMacScheme scheme;

    /** Signs without a key id (a single-key secret). */
    public EgressSigner(byte[] key) {
        this(null, key, new SecureRandom());
    }

    public EgressSigner(byte[] key, SecureRandom random) {
        this(null, key, random);
    }

    /** Signs with {@code keyId} (null: none) sent and MACed with every request. */
    public EgressSigner(String keyId, byte[] key, SecureRandom random) {
        this(keyId, key, random, EgressMacScheme.POLY1305);
    }

    /** As {@link #EgressSigner(String, byte[], SecureRandom)} in a given scheme (tests, benchmarks). */
    public EgressSigner(String keyId, byte[] key, SecureRandom random, EgressMacScheme scheme) {
        this(new EgressMac(key), keyId, random, scheme);
        if (keyId != null && !EgressKeySet.wellFormedId(keyId)) throw new IllegalArgumentException("malformed key id");
    }

    private EgressSigner(EgressMac mac, String keyId, SecureRandom random, EgressMacScheme scheme) {
        this.mac = mac;
        this.keyId = keyId;
        this.random = random;
        this.scheme = Objects.requireNonNull(scheme, "scheme");
    }

    /**
     * Signs with the set's current key, under its id; without an id when the current key is also
     * the set's unkeyed one, so a secret that moved from one bare key to a set signs what senders
     * still holding the bare key accept (docs/runbook.md, first rotation).
     */
    public static EgressSigner current(EgressKeySet keys) {
        String id = keys.currentId() != null && keys.currentId().equals(keys.unkeyedId()) ? null : keys.currentId();
        return new EgressSigner(id, keys.currentKey(), new SecureRandom());
    }

    /** The same key and id, signing in {@code other}'s form. */
    public EgressSigner inScheme(EgressMacScheme other) {
        return other == scheme ? this : new EgressSigner(mac, keyId, random, other);
    }

    /** The form this signer sends. */
    public EgressMacScheme scheme() { return scheme; }

    /** The key id this signer sends, or null. */
    public String keyId() { return keyId; }

    /** Signs {@code body} at {@code nowMillis} with a fresh random nonce. */
    public SignedHeaders sign(byte[] body, long nowMillis) {
        return sign(body, 0, body.length, nowMillis);
    }

    /** Signs the body held in {@code buffer[offset, offset + length)} at {@code nowMillis} with a fresh random nonce. */
    public SignedHeaders sign(byte[] buffer, int offset, int length, long nowMillis) {
        byte[] n = new byte[EgressApi.NONCE_BYTES];
        random.nextBytes(n);
        return sign(buffer, offset, length, nowMillis, Base64.getUrlEncoder().withoutPadding().encodeToString(n));
    }

    /**
     * Signs with a given nonce (tests). A real client never reuses one; if it did, the Poly1305
     * form would still reveal nothing of its one-request key (docs/sender.md).
     */
    public SignedHeaders sign(byte[] body, long nowMillis, String nonce) {
        return sign(body, 0, body.length, nowMillis, nonce);
    }

    private SignedHeaders sign(byte[] buffer, int offset, int length, long nowMillis, String nonce) {
        String ts = Long.toString(nowMillis);
        String sig = scheme.format(mac.mac(scheme, keyId, ts, nonce, buffer, offset, length));
        return new SignedHeaders(ts, nonce, sig, keyId);
    }
}
