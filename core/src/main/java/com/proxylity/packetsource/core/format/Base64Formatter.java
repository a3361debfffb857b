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
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                // The decoder would say only "illegal character"; wrapped base64 (MIME's 76-column
                // lines, a pasted block) is the usual cause, and its position is no part of the data.
                throw new DecodeException("base64: Data has a space or line break at offset " + i
                        + "; write it as one unbroken string");
            }
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new DecodeException("base64: " + e.getMessage());
        }
    }
}
