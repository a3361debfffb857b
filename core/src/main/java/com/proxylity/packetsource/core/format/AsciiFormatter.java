package com.proxylity.packetsource.core.format;

import com.fasterxml.jackson.databind.JsonNode;

/** 7-bit ASCII only: a character above U+007F is a decode error, never silently replaced. */
final class AsciiFormatter implements Formatter {
    @Override public String name() { return "ascii"; }

    @Override
    public long decodedBound(JsonNode data) {
        return TextData.utf8Bound(data);
    }

    @Override
    public byte[] decode(JsonNode data) throws DecodeException {
        String text = TextData.of(data, name());
        byte[] out = new byte[text.length()];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0x7F) {
                throw new DecodeException("ascii: non 7-bit character at index " + i);
            }
            out[i] = (byte) c;
        }
        return out;
    }
}
