package com.proxylity.packetsource.core.egressapi;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Client side of the egress API authentication: signs a request body. Thread-safe.
 * The caller sends the three headers of {@link #sign(byte[], long)} with the exact body bytes.
 */
public final class EgressSigner {
    private final EgressMac mac;
    private final SecureRandom random;

    public EgressSigner(byte[] key) {
        this(key, new SecureRandom());
    }

    public EgressSigner(byte[] key, SecureRandom random) {
        this.mac = new EgressMac(key);
        this.random = random;
    }

    /** Signs {@code body} at {@code nowMillis} with a fresh random nonce. */
    public SignedHeaders sign(byte[] body, long nowMillis) {
        byte[] n = new byte[EgressApi.NONCE_BYTES];
        random.nextBytes(n);
        return sign(body, nowMillis, Base64.getUrlEncoder().withoutPadding().encodeToString(n));
    }

    /** Signs with a given nonce (tests; a real client never reuses one). */
    public SignedHeaders sign(byte[] body, long nowMillis, String nonce) {
        String ts = Long.toString(nowMillis);
        String sig = Base64.getEncoder().encodeToString(mac.mac(ts, nonce, body));
        return new SignedHeaders(ts, nonce, sig);
    }
}
