package com.proxylity.packetsource.core.egressapi;

import java.util.Map;

/** The three authentication header values of one egress request. */
public record SignedHeaders(String timestamp, String nonce, String signature) {
    public Map<String, String> asMap() {
        return Map.of(EgressApi.HEADER_TIMESTAMP, timestamp,
                EgressApi.HEADER_NONCE, nonce,
                EgressApi.HEADER_SIGNATURE, signature);
    }

    @Override
    public String toString() {
        // The signature is harmless but useless in logs; keep it out.
        return "SignedHeaders[timestamp=" + timestamp + ", nonce=" + nonce + "]";
    }
}
