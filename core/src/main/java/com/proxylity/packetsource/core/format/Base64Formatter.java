package com.proxylity.packetsource.core.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;

/** RFC 4648 base64, standard alphabet, padding required as the JDK decoder requires it. */
final class Base64Formatter implements Formatter {
    @Override public String name() { return "base64"; }

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
