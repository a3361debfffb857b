package com.proxylity.packetsource.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.proxylity.packetsource.core.testevents.TestEvents;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageSchemaTest {
    static final ObjectMapper M = new ObjectMapper();
    static final MessageSchema SCHEMA = new MessageSchema();

    static JsonNode json(String s) throws Exception {
        return M.readTree(s);
    }

    @Test
    void publishedCopyIsTheOneTheServiceUses() throws Exception {
        byte[] published = Files.readAllBytes(TestEvents.load().dir().resolveSibling("schema/packet-source-message.schema.json"));
        try (InputStream in = MessageSchema.class.getClassLoader().getResourceAsStream(MessageSchema.RESOURCE)) {
            assertEquals(new String(in.readAllBytes()), new String(published),
                    "schema/ must be a copy of core/src/main/resources/schema/");
        }
    }

    @Test
    void schemaIsValidDraft202012() throws Exception {
        JsonSchemaFactory f = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        JsonSchema meta = f.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        try (InputStream in = MessageSchema.class.getClassLoader().getResourceAsStream(MessageSchema.RESOURCE)) {
            assertEquals(0, meta.validate(M.readTree(in)).size());
        }
    }

    /** What customers run: the whole schema (root) over a whole body. */
    static JsonSchema customerView() {
        JsonSchemaFactory f = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.schemaMappers(m -> m.mapPrefix(MessageSchema.ID, "classpath:" + MessageSchema.RESOURCE)));
        return f.getSchema(SchemaLocation.of(MessageSchema.ID));
    }

    @Test
    void customerViewAcceptsTheDesignExampleAndRejectsBadEntries() {
        JsonSchema root = customerView();
        String good = "{\"Messages\":[{\"Data\":\"AQIDBA==\",\"Formatter\":\"base64\",\"Remote\":{\"Address\":\"203.0.113.42\","
                + "\"Port\":51820,\"PeerKey\":\"vblMc9U8RAI6cVopcKEMTVT6lVC3D9nTTMSwot5d3L4=\"},\"Inner\":{\"SourceAddress\":\"10.0.0.1\","
                + "\"SourcePort\":53,\"DestinationAddress\":\"10.0.0.2\",\"DestinationPort\":12345,\"Version\":4,\"Protocol\":17}}]}";
        assertEquals(0, root.validate(good, InputFormat.JSON).size());
        assertFalse(root.validate(good.replace("51820", "0"), InputFormat.JSON).isEmpty());
        assertFalse(root.validate(good.replace("\"base64\"", "\"rot13\""), InputFormat.JSON).isEmpty());
        assertFalse(root.validate("{\"Messages\":[]}", InputFormat.JSON).isEmpty());
    }

    @Test
    void wholeMessageProblems() throws Exception {
        String entry = "{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"203.0.113.1\",\"Port\":1}}";
        for (String body : new String[] {"[]", "{}", "{\"Messages\":{}}", "{\"Messages\":[]}",
                "{\"Messages\":[" + entry + ",1]}", "{\"Messages\":[null]}",
                "{\"Messages\":[" + (entry + ",").repeat(ContractLimits.MAX_ENTRIES) + entry + "]}"}) {
            assertThrows(MalformedMessageException.class, () -> SCHEMA.checkMessage(json(body)), body.length() > 80 ? "501" : body);
        }
        SCHEMA.checkMessage(json("{\"Messages\":[" + (entry + ",").repeat(ContractLimits.MAX_ENTRIES - 1) + entry + "]}"));
        SCHEMA.checkMessage(json("{\"Messages\":[" + entry + "],\"Extra\":true}"));
    }

    static Optional<EntryProblem> check(String entry, ListenerType type) throws Exception {
        return SCHEMA.checkEntry(json(entry), type);
    }

    @Test
    void entryProblemsMapToReasons() throws Exception {
        String remote = "\"Remote\":{\"Address\":\"203.0.113.1\",\"Port\":1}";
        assertEquals(Optional.empty(), check("{\"Data\":\"AQ==\"," + remote + "}", ListenerType.UDP));
        assertEquals(DiscardReason.BadFormatter, check("{\"Data\":\"AQ==\",\"Formatter\":\"HEX\"," + remote + "}", ListenerType.UDP).get().reason());
        assertEquals(DiscardReason.DecodeError, check("{\"Data\":[1]," + remote + "}", ListenerType.UDP).get().reason());
        assertEquals(DiscardReason.MalformedRemote, check("{\"Data\":\"AQ==\"}", ListenerType.UDP).get().reason());
        assertEquals(DiscardReason.MalformedRemote, check("{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"a.example\",\"Port\":1}}", ListenerType.UDP).get().reason());
        // Both Formatter and Remote wrong: the Format step's order decides (formatter first).
        assertEquals(DiscardReason.BadFormatter, check("{\"Data\":\"AQ==\",\"Formatter\":\"x\",\"Remote\":{}}", ListenerType.UDP).get().reason());
    }

    @Test
    void partsTheListenerIgnoresAreNotHeldAgainstTheEntry() throws Exception {
        String e = "{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"203.0.113.1\",\"Port\":1,\"PeerKey\":\"short\"},\"Inner\":{\"SourcePort\":0}}";
        assertEquals(Optional.empty(), check(e, ListenerType.UDP));
        assertEquals(DiscardReason.MalformedRemote, check(e, ListenerType.WG).get().reason());
        assertTrue(check(e, ListenerType.WG).get().detail().contains("PeerKey"));
        String innerOnly = e.replace("\"short\"", "null");
        assertEquals(Optional.empty(), check(innerOnly, ListenerType.WG));
        assertEquals(DiscardReason.MalformedRemote, check(innerOnly, ListenerType.WG_DECAP).get().reason());
    }
}
