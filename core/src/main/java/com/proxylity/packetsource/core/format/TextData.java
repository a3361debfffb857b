package com.proxylity.packetsource.core.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/** The text formatters accept only a JSON string as Data. */
final class TextData {
    private TextData() {}

    static String of(JsonNode data, String formatter) throws DecodeException {
        if (data == null || !data.isTextual()) {
            throw new DecodeException(formatter + " Data must be a JSON string");
        }
        return data.textValue();
    }

    /** UTF-8 bytes of the text of a string Data, else of the Data's JSON text. */
    static long utf8Bound(JsonNode data) {
        String text = data.isTextual() ? data.textValue() : data.toString();
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
