package com.proxylity.packetsource.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.testevents.TestEvents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The dry-run command, in process, over every test-events file: the manifest's dry-run outcomes. */
class DryRunCommandTest {
    static final TestEvents EVENTS = TestEvents.load();
    static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new PacketSourceCli());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Stream<String> files() {
        return EVENTS.files().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void jsonOutputMatchesTheManifest(String file) throws Exception {
        assertOutcomesMatchTheManifest(file, List.of("--listener-type", EVENTS.listenerType(file).wireName(),
                "--listener-families", EVENTS.listenerFamilies(file).wireName()));
    }

    /**
     * Issue 22: without listener options each example is judged for the Listener the manifest
     * beside it names, so WireGuard examples are not shown as plain UDP.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void withoutListenerOptionsEachFileIsJudgedForItsOwnListener(String file) throws Exception {
        JsonNode doc = assertOutcomesMatchTheManifest(file, List.of());
        assertEquals(EVENTS.listenerType(file).wireName(), doc.get("Files").get(0).get("ListenerType").asText());
        assertEquals(EVENTS.listenerFamilies(file).wireName(), doc.get("Files").get(0).get("ListenerFamilies").asText());
    }

    @Test
    void theTextNamesEachFilesListenerAndAnOptionOverridesTheManifest() {
        String wg = EVENTS.path("wg.json").toString();
        String udp = EVENTS.path("udp-hex.json").toString();
        Run r = run("dry-run", wg, udp);
        assertTrue(r.out().contains(wg + " (listener type wg)"), r.out());
        assertTrue(r.out().contains("inner IP packet"), r.out());
        assertTrue(r.out().contains(udp + " (listener type udp)"), r.out());
        Run forced = run("dry-run", "--listener-type", "wg-decap", wg, udp);
        assertTrue(forced.out().contains(wg + " (listener type wg-decap)"), forced.out());
        assertTrue(forced.out().contains(udp + " (listener type wg-decap)"), forced.out());
    }

    /** Runs one file with the manifest's batch size, region and formatter plus {@code listenerArgs}; returns the document. */
    private static JsonNode assertOutcomesMatchTheManifest(String file, List<String> listenerArgs) throws Exception {
        // The manifest's outcomes assume the state budget of a one-message batch (TestEvents.admit()).
        List<String> args = new ArrayList<>(List.of("dry-run", "--json", "--pipe-batch-size", "1"));
        args.addAll(listenerArgs);
        args.addAll(List.of("--region", EVENTS.region()));
        if (EVENTS.formatter(file) != null) args.addAll(List.of("--formatter", EVENTS.formatter(file)));
        args.add(EVENTS.path(file).toString());
        Run r = run(args.toArray(String[]::new));

        JsonNode doc = JSON.readTree(r.out());
        Map<String, JsonNode> actual = new LinkedHashMap<>();
        for (JsonNode o : doc.get("Files").get(0).get("Outcomes")) {
            ObjectNode n = JSON.createObjectNode().put("Id", o.get("Id").asText());
            switch (o.get("Outcome").asText()) {
                case "Sent" -> {
                    byte[] payload = HexFormat.of().parseHex(o.get("PayloadHex").asText());
                    assertEquals(payload.length, o.get("Length").asInt());
                    TestEvents.sent(n, payload);
                }
                case "Discarded" -> n.put("Outcome", "Discarded").put("Reason", o.get("Reason").asText());
                default -> n.put("Outcome", o.get("Outcome").asText()).put("Type", o.get("Type").asText());
            }
            actual.put(n.get("Id").asText(), n);
        }
        Map<String, JsonNode> expected = EVENTS.expectedDryRun(file);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), file);
        expected.forEach((id, want) -> assertEquals(want, actual.get(id), file + " " + id));

        boolean anyDiscard = expected.values().stream().anyMatch(o -> "Discarded".equals(o.path("Outcome").asText()));
        assertEquals(anyDiscard ? 1 : 0, r.exit(), "exit status");
        assertEquals(doc.get("Summary").get("Discarded").asInt() > 0, anyDiscard);
        return doc;
    }

    @Test
    void textOutputShowsOutcomesAndHex() {
        Run r = run("dry-run", EVENTS.path("udp-base64.json").toString(), EVENTS.path("bad-EgressDenied.json").toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("Sent  4 bytes UDP payload to 203.0.113.42:5683"), r.out());
        assertTrue(r.out().contains("      01020304"), r.out());
        assertTrue(r.out().contains("Discarded  EgressDenied"), r.out());
        assertTrue(r.out().contains("summary: "), r.out());
    }

    @Test
    void theManifestBesideTheEventsIsSkipped() throws Exception {
        Run r = run("dry-run", "--json", EVENTS.dir().resolve("expected.json").toString(), EVENTS.path("udp-hex.json").toString());
        JsonNode doc = JSON.readTree(r.out());
        assertEquals(1, doc.get("Files").size());
        assertEquals(0, r.exit());
    }

    /**
     * Issue 9, defect 3: an empty batch is an error, not a silently skipped "manifest"; JSON the
     * pipeline's strict reader refuses (trailing garbage, duplicate keys) is an outcome of its own.
     */
    @Test
    void everyFileGetsAnOutcomeOrAClearError(@TempDir Path dir) throws Exception {
        String good = Files.readString(EVENTS.path("udp-hex.json"));
        String[][] cases = {
                {"empty-array.json", "[]", "error"},
                {"empty-records.json", "{\"Records\":[]}", "error"},
                {"extra-bracket.json", "[]]", "MalformedMessage"},
                {"trailing.json", good + " garbage", "MalformedMessage"},
                {"trailing-object.json", good + "{}", "MalformedMessage"},
                {"duplicate.json", good.replaceFirst("\\{", "{\"Records\":[],"), "MalformedMessage"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve(c[0]);
            Files.writeString(f, c[1]);
            Run r = run("dry-run", "--json", f.toString());
            JsonNode files = JSON.readTree(r.out()).get("Files");
            assertEquals(1, files.size(), c[0] + " must not be skipped: " + r.out());
            JsonNode file = files.get(0);
            if (c[2].equals("error")) {
                assertTrue(file.get("Error").asText().contains("no records"), c[0] + ": " + file);
                assertTrue(r.err().contains(f.toString()), r.err());
                assertEquals(2, r.exit(), c[0]);
            } else {
                assertEquals(1, file.get("Outcomes").size(), c[0] + ": " + file);
                assertEquals(c[2], file.get("Outcomes").get(0).get("Reason").asText(), c[0] + ": " + file);
                assertEquals(1, r.exit(), c[0]);
            }
        }
    }

    @Test
    void bareBodyAndEnvelopeFiles(@TempDir Path dir) throws Exception {
        Path body = dir.resolve("body.json");
        Files.writeString(body, "{\"Messages\":[{\"Data\":\"68656c6c6f\",\"Formatter\":\"hex\","
                + "\"Remote\":{\"Address\":\"203.0.113.9\",\"Port\":5683,\"PeerKey\":null},\"Inner\":null}]}");
        Path notJson = dir.resolve("broken.json");
        Files.writeString(notJson, "{\"Messages\": [");
        Run r = run("dry-run", "--json", body.toString(), notJson.toString());
        JsonNode doc = JSON.readTree(r.out());
        JsonNode first = doc.get("Files").get(0).get("Outcomes").get(0);
        assertEquals("body.json/0", first.get("Id").asText());
        assertEquals("68656c6c6f", first.get("PayloadHex").asText());
        JsonNode second = doc.get("Files").get(1).get("Outcomes").get(0);
        assertEquals("broken.json", second.get("Id").asText());
        assertEquals("MalformedMessage", second.get("Reason").asText());
        assertEquals(1, r.exit());
    }

    /** A Pipe passes a bare array of records; a single SNS envelope is also a valid file. */
    @Test
    void pipeBatchAndSingleEnvelopeFiles(@TempDir Path dir) throws Exception {
        JsonNode records = JSON.readTree(EVENTS.path("batch-udp.json").toFile()).get("Records");
        Path pipe = dir.resolve("pipe.json");
        Files.writeString(pipe, records.toString());
        Path envelope = dir.resolve("envelope.json");
        Files.writeString(envelope, records.get(0).get("body").asText());
        Run r = run("dry-run", "--json", pipe.toString(), envelope.toString());
        JsonNode files = JSON.readTree(r.out()).get("Files");
        assertEquals(EVENTS.expected("batch-udp.json").size(), files.get(0).get("Outcomes").size());
        JsonNode one = files.get(1).get("Outcomes");
        assertEquals(1, one.size());
        assertEquals("Sent", one.get(0).get("Outcome").asText());
        assertEquals(0, r.exit());
    }

    @Test
    void allowListLetsLoopbackThrough(@TempDir Path dir) throws Exception {
        Path body = dir.resolve("loop.json");
        Files.writeString(body, "{\"Messages\":[{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":9}}]}");
        assertEquals(1, run("dry-run", body.toString()).exit());
        assertEquals(0, run("dry-run", "--allow", "127.0.0.0/8", body.toString()).exit());
    }

    @Test
    void usageErrors(@TempDir Path dir) {
        assertEquals(2, run("dry-run", "--listener-type", "tcp", "x.json").exit());
        assertEquals(2, run("dry-run", "--formatter", "base32", "x.json").exit());
        assertEquals(2, run("dry-run", dir.resolve("missing.json").toString()).exit());
    }
}
