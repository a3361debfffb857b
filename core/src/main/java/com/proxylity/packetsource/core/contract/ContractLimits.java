package com.proxylity.packetsource.core.contract;

import java.nio.charset.StandardCharsets;

/**
 * Bounds on untrusted input, checked before parsing deeper.
 *
 * <p>The SQS body limit matches the 262,144 characters a Pipe may hand one Step Functions input
 * (docs/architecture.md#payload-limits): anything bigger could not reach the state machine anyway, so it is
 * rejected before a JSON parser spends memory on it.
 */
public final class ContractLimits {
    /** Largest SQS record body (the SNS envelope JSON), in UTF-8 bytes. */
    public static final int MAX_BODY_BYTES = 262_144;
    /** Most entries in one {@code Messages} array; also {@code maxItems} in the schema. */
    public static final int MAX_ENTRIES = 500;
    /** WireGuard public keys are X25519 keys (the WireGuard paper, section 5.4). */
    public static final int PEER_KEY_BYTES = 32;

    private ContractLimits() {}

    /** Rejects text whose UTF-8 form exceeds {@link #MAX_BODY_BYTES}, before any parsing. */
    public static void checkSize(String text, String what) throws MalformedMessageException {
        if (text == null) throw new MalformedMessageException(what + " is missing");
        // A char is 1 to 3 UTF-8 bytes: only count exactly when the length leaves doubt.
        boolean over = text.length() > MAX_BODY_BYTES
                || ((long) text.length() * 3 > MAX_BODY_BYTES
                    && text.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES);
        if (over) throw new MalformedMessageException(what + " exceeds " + MAX_BODY_BYTES + " bytes");
    }
}
