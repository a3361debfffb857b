package com.proxylity.packetsource.functions.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.functions.state.StateJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code statemachines/packet-source.asl.json} in aws-local-stepfunctions (Node 22) with
 * its Task resources substituted to Lambda ARNs that {@link LambdaInvokeEndpoint} serves.
 */
public final class LocalStepFunctions {
    /** The CDK substitution placeholders of the definition and the function names we serve them as. */
    public static final Map<String, String> FUNCTIONS = Map.of(
            "ValidateFunctionArn", "Validate",
            "LookupSessionsFunctionArn", "LookupSessions",
            "EgressFunctionArn", "Egress",
            "ReportFailuresFunctionArn", "ReportFailures",
            "PublishOutcomesFunctionArn", "PublishOutcomes");

    /** Result of one execution: the output, or the error that failed it. */
    public record Execution(String name, boolean ok, JsonNode output, String error, String cause) {}

    private final Path node;
    private final Path runner;
    private final Path definition;
    private final URI lambdaEndpoint;

    public LocalStepFunctions(URI lambdaEndpoint) throws IOException {
        this.node = Tools.node();
        Tools.require("node_modules/aws-local-stepfunctions/build/main.node.esm.js");
        this.definition = Tools.repoRoot().resolve("statemachines/packet-source.asl.json");
        this.lambdaEndpoint = lambdaEndpoint;
        this.runner = Files.createTempFile("local-sfn-runner", ".mjs");
        try (InputStream in = LocalStepFunctions.class.getResourceAsStream("/local-sfn-runner.mjs")) {
            Files.write(runner, in.readAllBytes());
        }
    }

    public static String arnOf(String function) {
        return "arn:aws:lambda:us-east-1:123456789012:function:" + function;
    }

    /** Runs each input (name → state machine input) as one execution, in order. */
    public Map<String, Execution> run(Map<String, JsonNode> inputs) throws IOException, InterruptedException {
        ObjectNode job = StateJson.MAPPER.createObjectNode();
        job.put("definition", definition.toString());
        job.put("zeroRetryWait", true);
        ObjectNode subs = job.putObject("substitutions");
        FUNCTIONS.forEach((placeholder, fn) -> subs.put(placeholder, arnOf(fn)));
        ArrayNode executions = job.putArray("executions");
        inputs.forEach((name, input) -> executions.addObject().put("name", name).set("input", input));
        Path jobFile = Files.createTempFile("local-sfn-job", ".json");
        Path stderr = Files.createTempFile("local-sfn", ".err");
        try {
            StateJson.MAPPER.writeValue(jobFile.toFile(), job);
            ProcessBuilder pb = new ProcessBuilder(node.toString(), runner.toString(),
                    Tools.toolsDir().toString(), jobFile.toString());
            Map<String, String> env = pb.environment();
            env.put("AWS_ENDPOINT_URL_LAMBDA", lambdaEndpoint.toString());
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_ACCESS_KEY_ID", "test");
            env.put("AWS_SECRET_ACCESS_KEY", "test");
            env.remove("AWS_PROFILE");
            env.put("AWS_MAX_ATTEMPTS", "1");
            pb.redirectError(stderr.toFile());
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("local-sfn runner timed out");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("local-sfn runner exited " + p.exitValue() + ": " + Files.readString(stderr));
            }
            Map<String, Execution> results = new LinkedHashMap<>();
            for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) continue;
                JsonNode r = StateJson.MAPPER.readTree(line);
                results.put(r.get("name").asText(), new Execution(r.get("name").asText(), r.get("ok").asBoolean(),
                        r.get("output"), r.path("error").asText(null), r.path("cause").asText(null)));
            }
            return results;
        } finally {
            Files.deleteIfExists(jobFile);
            Files.deleteIfExists(stderr);
        }
    }
}
