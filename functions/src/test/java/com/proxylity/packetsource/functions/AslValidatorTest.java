package com.proxylity.packetsource.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.functions.state.StateJson;
import com.proxylity.packetsource.functions.testing.LocalStepFunctions;
import com.proxylity.packetsource.functions.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The definition passes asl-validator, and its shape matches what the handlers and CDK expect. */
class AslValidatorTest {
    static final Path DEFINITION = Tools.repoRoot().resolve("statemachines/packet-source.asl.json");

    static int validate(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Tools.node().toString(), Tools.aslValidator().toString(),
                "--json-path", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "asl-validator hung");
        System.out.println("asl-validator: " + out.strip());
        return p.exitValue();
    }

    @Test
    void definitionPassesAslValidator() throws Exception {
        assertEquals(0, validate(DEFINITION));
    }

    @Test
    void definitionWithCdkSubstitutionsPassesToo() throws Exception {
        String text = Files.readString(DEFINITION);
        for (Map.Entry<String, String> e : LocalStepFunctions.FUNCTIONS.entrySet()) {
            text = text.replace("${" + e.getKey() + "}", LocalStepFunctions.arnOf(e.getValue()));
        }
        assertTrue(!text.contains("${"), "every placeholder is one the tests know");
        Path tmp = Files.createTempFile("packet-source", ".asl.json");
        try {
            Files.writeString(tmp, text);
            assertEquals(0, validate(tmp));
        } finally {
            Files.delete(tmp);
        }
    }

    @Test
    void theValidatorRejectsABrokenDefinition() throws Exception {
        // Guards the guard: a validator that passes everything would make the test above worthless.
        ObjectNode broken = (ObjectNode) StateJson.MAPPER.readTree(DEFINITION.toFile());
        ((ObjectNode) broken.get("States").get("LookupSessions")).put("Next", "NoSuchState");
        Path tmp = Files.createTempFile("broken", ".asl.json");
        try {
            StateJson.MAPPER.writeValue(tmp.toFile(), broken);
            assertNotEquals(0, validate(tmp));
        } finally {
            Files.delete(tmp);
        }
    }

    @Test
    void taskStatesAreNamedAfterTheirHandlerClassesAndUsePlainFunctionArns() throws Exception {
        JsonNode def = StateJson.MAPPER.readTree(DEFINITION.toFile());
        assertEquals("JSONPath", def.get("QueryLanguage").asText());
        Set<String> tasks = new HashSet<>();
        collectTasks(def.get("States"), tasks, def);
        assertEquals(Set.of("Validate", "LookupSessions", "Egress", "PublishOutcomes", "ReportFailures"), tasks);
        for (String t : tasks) {
            Class<?> handler = Class.forName("com.proxylity.packetsource.functions." + t);
            assertTrue(com.amazonaws.services.lambda.runtime.RequestStreamHandler.class.isAssignableFrom(handler));
        }
    }

    /**
     * The other direction: every Task-state handler class in the package serves a Task state of
     * its name, so a handler whose state was removed (or renamed) cannot stay behind as dead
     * code with a function, role and alarms deployed for it.
     */
    @Test
    void everyStageHandlerClassServesATaskState() throws Exception {
        JsonNode def = StateJson.MAPPER.readTree(DEFINITION.toFile());
        Set<String> tasks = new HashSet<>();
        collectTasks(def.get("States"), tasks, def);
        Path dir = Path.of(Validate.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(Validate.class.getPackageName().replace('.', '/'));
        Set<String> handlers = new HashSet<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".class") || name.contains("$")) continue;
                Class<?> c = Class.forName(Validate.class.getPackageName() + "." + name.substring(0, name.length() - 6));
                if (com.proxylity.packetsource.functions.state.StageHandler.class.isAssignableFrom(c)) handlers.add(c.getSimpleName());
            }
        }
        assertTrue(handlers.contains("Validate"), "found the handler classes: " + handlers);
        assertEquals(tasks, handlers, "Task states and StageHandler classes");
    }

    /** Task states after the packets have left whose failure must change nothing (docs/packet-sources.md). */
    private static final Set<String> BEST_EFFORT = Set.of("PublishOutcomes");

    private static void collectTasks(JsonNode states, Set<String> tasks, JsonNode root) {
        for (Map.Entry<String, JsonNode> e : states.properties()) {
            JsonNode s = e.getValue();
            if ("Task".equals(s.path("Type").asText())) {
                assertEquals("${" + e.getKey() + "FunctionArn}", s.get("Resource").asText(),
                        "plain function ARN placeholder (aws-local-stepfunctions and CDK substitution)");
                if (BEST_EFFORT.contains(e.getKey())) {
                    // Never retried and never failing the batch: its Catch passes the input on unchanged.
                    assertTrue(!s.has("Retry") && s.has("Catch") && s.get("ResultPath").isNull()
                            && s.get("Catch").get(0).get("ResultPath").isNull(), e.getKey() + " is best effort");
                } else {
                    assertTrue(s.has("Retry") && s.has("Catch"), e.getKey() + " retries and catches");
                }
                tasks.add(e.getKey());
            }
            if (s.has("ItemProcessor")) collectTasks(s.get("ItemProcessor").get("States"), tasks, root);
        }
    }
}
