package com.proxylity.packetsource.core.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/** The string's UTF-8 bytes. Jackson has already rejected invalid surrogates while parsing. */
final class Utf8Formatter implements Formatter {
    @Override public String name() { return "utf8"; }

    @Override
    public long decodedBound(JsonNode data) {
        return TextData.utf8Bound(data);
    }

    @Override
    public byte[] decode(JsonNode data) throws DecodeException {
        return TextData.of(data, name()).getBytes(StandardCharsets.UTF_8);
    }
}
