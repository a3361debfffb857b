package com.proxylity.packetsource.core.egressapi;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MutableCoercionConfig;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;

/**
 * The one JSON mapping of the egress API, shared by the egress Lambda (client) and the sender
 * (server) so both sides agree byte for byte on field names and base64.
 */
public final class EgressJson {
    private EgressJson() {}

    private static final ObjectMapper MAPPER = strict(JsonMapper.builder(JsonFactory.builder()
                    // The body is at most 1 MiB anyway; keep nesting shallow so a hostile body is cheap.
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
                    // {"Port":1,"Port":2} has no one meaning: refuse it rather than keep the last.
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            // Unknown fields are tolerated so either side can add optional fields first.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // A missing or null Port must not silently become port 0.
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .addModule(new SimpleModule("strict-base64").addDeserializer(byte[].class, new StrictBase64Deserializer()))
            .build());

    /**
     * Every value must already have its type: Jackson would otherwise read "9999" and 9999.5 as
     * port 9999, and 5 or true as the string "5"/"true". Both sides write with this mapper, so
     * a well-behaved client never depends on a coercion.
     */
    private static ObjectMapper strict(JsonMapper m) {
        m.coercionConfigDefaults().setAcceptBlankAsEmpty(false);
        for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean,
                LogicalType.Textual, LogicalType.Binary}) {
            MutableCoercionConfig c = m.coercionConfigFor(t);
            for (CoercionInputShape in : new CoercionInputShape[] {CoercionInputShape.String, CoercionInputShape.Integer,
                    CoercionInputShape.Float, CoercionInputShape.Boolean, CoercionInputShape.EmptyString}) {
                c.setCoercion(in, CoercionAction.Fail);
            }
        }
        return m;
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** @throws IOException when the body is not a well-formed request (the sender answers 400) */
    public static EgressRequest readRequest(byte[] body) throws IOException {
        return readRequest(body, 0, body.length);
    }

    /** As {@link #readRequest(byte[])} over {@code body[offset, offset+length)} (a server's receive buffer). */
    public static EgressRequest readRequest(byte[] body, int offset, int length) throws IOException {
        // JSON between systems is UTF-8 (RFC 8259 §8.1). Jackson decodes only what it binds, so
        // an unknown key or value with invalid UTF-8 was skipped unread and the body accepted
        // (EgressApiFuzzTest#request); one pass refuses it first. JSON is the fallback framing.
        try {
            UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body, offset, length));
        } catch (CharacterCodingException e) {
            throw new JsonProcessingException("request body is not UTF-8") {};
        }
        EgressRequest r = MAPPER.readValue(body, offset, length, EgressRequest.class);
        if (r == null) throw new JsonProcessingException("empty request") {};
        if (!r.identityWellFormed()) throw new JsonProcessingException("segments or run malformed") {};
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
