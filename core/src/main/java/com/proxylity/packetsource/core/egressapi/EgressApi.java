package com.proxylity.packetsource.core.egressapi;

import java.time.Duration;

/** Wire constants of the egress API (docs/architecture.md#egress-api). */
public final class EgressApi {
    private EgressApi() {}

    public static final String PATH = "/v1/egress";
    public static final String HEALTH_PATH = "/health";
    public static final String CONTENT_TYPE = "application/json";

    public static final String HEADER_TIMESTAMP = "X-PS-Timestamp";
    public static final String HEADER_NONCE = "X-PS-Nonce";
    public static final String HEADER_SIGNATURE = "X-PS-Signature";
    /** Which key of the sender's set signed the request (EgressKeySet); covered by the MAC. */
    public static final String HEADER_KEY_ID = "X-PS-Key-Id";

    /** Largest accepted request body; beyond it the sender answers 413. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    /** A request whose timestamp is further than this from the server's clock is stale. */
    public static final Duration CLOCK_WINDOW = Duration.ofSeconds(30);

    /** Random bytes in a nonce (sent base64url without padding: 22 characters). */
    public static final int NONCE_BYTES = 16;

    public static final String HMAC_ALGORITHM = "HmacSHA256";

    /** Shortest HMAC key we accept: HMAC-SHA256 is only as strong as a 256-bit key. */
    public static final int MIN_KEY_BYTES = 32;
}
