package com.proxylity.packetsource.core.egressapi;

import java.util.Map;

/** The authentication header values of one egress request; {@code keyId} null: sent without one. */
public record SignedHeaders(String timestamp, String nonce, String signature, String keyId) {
    public SignedHeaders(String timestamp, String nonce, String signature) {
        this(timestamp, nonce, signature, null);
    }

    public Map<String, String> asMap() {
        return keyId == null
                ? Map.of(EgressApi.HEADER_TIMESTAMP, timestamp, EgressApi.HEADER_NONCE, nonce,
                        EgressApi.HEADER_SIGNATURE, signature)
                : Map.of(EgressApi.HEADER_TIMESTAMP, timestamp, EgressApi.HEADER_NONCE, nonce,
                        EgressApi.HEADER_SIGNATURE, signature, EgressApi.HEADER_KEY_ID, keyId);
    }

    @Override
    public String toString() {
        // The signature is harmless but useless in logs; keep it out.
        return "SignedHeaders[timestamp=" + timestamp + ", nonce=" + nonce + ", keyId=" + keyId + "]";
    }
}
