package com.proxylity.packetsource.core.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each formatter's own bound on what it decodes, which Validate's state budget relies on. */
class DecodedBoundTest {
    static final Map<String, JsonNode> VALID = Map.of(
            "base64", TextNode.valueOf("AQIDBA=="),
            "hex", TextNode.valueOf("0a0B0c"),
            "utf8", TextNode.valueOf("h\u00e9llo \u2603"),
            "ascii", TextNode.valueOf("hello"),
            "coap", TextNode.valueOf("{\"Type\":0,\"Code\":\"0.01\",\"MessageId\":1}"));

    @Test
    void everyFormatterBoundsWhatItDecodes() throws DecodeException {
        for (Map.Entry<String, JsonNode> e : VALID.entrySet()) {
            Formatter f = Formatters.byName(e.getKey()).orElseThrow();
            long bound = Formatters.decodedBound(e.getKey(), e.getValue());
            assertEquals(f.decodedBound(e.getValue()), bound, e.getKey());
            assertTrue(f.decode(e.getValue()).length <= bound, e.getKey());
        }
    }

    @Test
    void theBoundsFollowEachEncoding() {
        assertEquals(6, Formatters.decodedBound("BASE64", TextNode.valueOf("AQIDBA")));
        assertEquals(2, Formatters.decodedBound("hex", TextNode.valueOf("abc")));
        assertEquals(3, Formatters.decodedBound("utf8", TextNode.valueOf("\u00e9a")));
        assertEquals(0, Formatters.decodedBound("base64", null));
        assertEquals(0, Formatters.decodedBound("base64", JsonNodeFactory.instance.nullNode()));
        // Not a string, or no such formatter: the Data's text, which Format will reject anyway.
        JsonNode object = JsonNodeFactory.instance.objectNode().put("Code", "0.01");
        assertEquals(object.toString().length(), Formatters.decodedBound("base64", object));
        assertEquals(3, Formatters.decodedBound("nope", TextNode.valueOf("abc")));
        assertEquals(3, Formatters.decodedBound(null, TextNode.valueOf("abc")));
    }
}
