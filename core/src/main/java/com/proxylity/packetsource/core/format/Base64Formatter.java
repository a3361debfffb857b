package com.proxylity.packetsource.core.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;

/** RFC 4648 base64, standard alphabet, padding required as the JDK decoder requires it. */
final class Base64Formatter implements Formatter {
    @Override public String name() { return "base64"; }

    /** 3 bytes per 4 characters, rounded up. */
    @Override
    public long decodedBound(JsonNode data) {
        return data.isTextual() ? 3L * ((data.textValue().length() + 3) / 4) : TextData.utf8Bound(data);
    }

    @Override
    public byte[] decode(JsonNode data) throws DecodeException {
        String text = TextData.of(data, name());
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new DecodeException("base64: " + e.getMessage());
        }
    }
}
