package com.proxylity.packetsource.core.egressapi;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.util.Base64;

/**
 * A JSON payload is a string of canonical standard base64 (RFC 4648 §4, padded), nothing else.
 * Jackson's own reader decodes base64 straight from the input and skips every byte up to 0x20
 * inside the string, NUL and other raw control characters included, so a body that is not JSON
 * at all was accepted (found by {@code EgressApiFuzzTest#request}); it also takes an array of
 * numbers as bytes. Reading the token as text first lets the JSON parser refuse unescaped control
 * characters; the JDK decoder then refuses any byte outside the alphabet, and the re-encoding
 * check refuses missing padding and stray low bits, so one payload has one spelling, as in the
 * binary framing.
 */
final class StrictBase64Deserializer extends StdDeserializer<byte[]> {
    StrictBase64Deserializer() {
        super(byte[].class);
    }

    @Override
    public byte[] deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            return (byte[]) ctx.handleUnexpectedToken(byte[].class, p);
        }
        String text = p.getText();
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw ctx.weirdStringException(text, byte[].class, "not standard base64");
        }
        if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
            throw ctx.weirdStringException(text, byte[].class, "not canonical, padded base64");
        }
        return bytes;
    }
}
