package com.proxylity.packetsource.core.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.JsonProcessingException;

/** The one strict JSON reader for untrusted input: duplicate keys and trailing garbage are errors. */
public final class Json {
    /** Nesting far beyond any valid message (coap Data is the deepest: 4 levels) but bounded. */
    private static final int MAX_DEPTH = 32;

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(ContractLimits.MAX_BODY_BYTES)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private Json() {}

    /** Parses a JSON document; anything unreadable is a {@link MalformedMessageException}. */
    public static JsonNode read(String text, String what) throws MalformedMessageException {
        if (text == null) throw new MalformedMessageException(what + " is missing");
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new MalformedMessageException(what + " is empty");
            }
            return node;
        } catch (MalformedMessageException e) {
            throw e;
        } catch (Exception e) {
            // Jackson's message may quote input: report only the location, never content.
            throw new MalformedMessageException(what + " is not valid JSON" + location(e));
        }
    }

    private static String location(Exception e) {
        if (e instanceof JsonProcessingException jpe && jpe.getLocation() != null) {
            return " (line " + jpe.getLocation().getLineNr() + ", column " + jpe.getLocation().getColumnNr() + ")";
        }
        return "";
    }
}
