package com.proxylity.packetsource.core.egressapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON mapping of the egress API, shared by the egress Lambda (client) and the sender
 * (server) so both sides agree byte for byte on field names and base64.
 */
public final class EgressJson {
    private EgressJson() {}

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // Unknown fields are tolerated so either side can add optional fields first.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // A missing or null Port must not silently become port 0.
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        // The body is at most 1 MiB anyway; keep nesting shallow so a hostile body is cheap.
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(16).build());
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** @throws IOException when the body is not a well-formed request (the sender answers 400) */
    public static EgressRequest readRequest(byte[] body) throws IOException {
        EgressRequest r = MAPPER.readValue(body, EgressRequest.class);
        if (r == null) throw new JsonProcessingException("empty request") {};
        return r;
    }

    public static byte[] writeRequest(EgressRequest request) {
        return write(request);
    }

    public static EgressResponse readResponse(byte[] body) throws IOException {
        return MAPPER.readValue(body, EgressResponse.class);
    }

    public static byte[] writeResponse(EgressResponse response) {
        return write(response);
    }

    private static byte[] write(Object o) {
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
