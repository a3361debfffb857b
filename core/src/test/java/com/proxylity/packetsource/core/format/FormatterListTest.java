package com.proxylity.packetsource.core.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.contract.MessageSchema;
import com.proxylity.packetsource.core.testevents.TestEvents;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The formatter list is {@link Formatters}'; the JSON Schema cannot read it, so both of its
 * copies must name exactly the same formatters, or a forgotten one is refused as BadFormatter.
 */
class FormatterListTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> schemaFormatters(JsonNode schema) {
        List<String> names = new ArrayList<>();
        for (JsonNode n : schema.path("$defs").path("entry").path("properties").path("Formatter").path("enum")) {
            if (!n.isNull()) names.add(n.asText());
        }
        return names;
    }

    @Test
    void bothSchemaCopiesNameExactlyTheFormatters() throws Exception {
        try (InputStream in = MessageSchema.class.getClassLoader().getResourceAsStream(MessageSchema.RESOURCE)) {
            assertEquals(Formatters.names(), schemaFormatters(JSON.readTree(in)), MessageSchema.RESOURCE);
        }
        byte[] published = Files.readAllBytes(TestEvents.load().dir().resolveSibling(MessageSchema.RESOURCE));
        assertEquals(Formatters.names(), schemaFormatters(JSON.readTree(published)), "schema/ (published)");
    }

    @Test
    void eachNameIsItsFormattersOwnAndTheDefaultIsOne() {
        for (String name : Formatters.names()) assertEquals(name, Formatters.byName(name).orElseThrow().name());
        assertEquals(true, Formatters.names().contains(Formatters.DEFAULT));
    }
}
