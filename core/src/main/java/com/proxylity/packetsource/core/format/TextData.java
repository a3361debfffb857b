package com.proxylity.packetsource.core.format;

import com.fasterxml.jackson.databind.JsonNode;

/** The text formatters accept only a JSON string as Data. */
final class TextData {
    private TextData() {}

    static String of(JsonNode data, String formatter) throws DecodeException {
        if (data == null || !data.isTextual()) {
            throw new DecodeException(formatter + " Data must be a JSON string");
        }
        return data.textValue();
    }
}
