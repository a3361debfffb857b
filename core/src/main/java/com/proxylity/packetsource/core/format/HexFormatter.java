package com.proxylity.packetsource.core.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HexFormat;

/** Hex digits, either case, even length; no separators or 0x prefix. */
final class HexFormatter implements Formatter {
    @Override public String name() { return "hex"; }

    /** 1 byte per 2 digits, rounded up. */
    @Override
    public long decodedBound(JsonNode data) {
        return data.isTextual() ? (data.textValue().length() + 1) / 2 : TextData.utf8Bound(data);
    }

    @Override
    public byte[] decode(JsonNode data) throws DecodeException {
        String text = TextData.of(data, name());
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new DecodeException("hex: " + e.getMessage());
        }
    }
}
