package com.proxylity.packetsource.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code statemachines/packet-source.asl.json} in this JVM, so local mode has no second
 * definition of the pipeline: the order of the stages, what each receives (InputPath,
 * Parameters, ItemsPath of the Map) and where its result goes (ResultSelector, ResultPath,
 * OutputPath) come from the definition; each Task state calls the {@link PipelineStage} bound
 * to the state's name, i.e. the handler class of the same name.
 *
 * <p>Supported: Task (plain Lambda ARN or {@code lambda:invoke} with a Payload), Map (inline,
 * run item by item), Pass, Choice (the common comparison operators), Succeed, Fail, Retry and
 * Catch. The definition is checked when loaded; an unsupported feature fails there with its
 * name. Retry intervals are capped at {@link #MAX_RETRY_SLEEP_MS} because nothing local is
 * throttled and a waiting local pipeline only slows the failure loop down.
 */
public final class StateMachine {
    static final long MAX_RETRY_SLEEP_MS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final JsonNode definition;
    private final Map<String, PipelineStage> stages;

    private StateMachine(JsonNode definition, Map<String, PipelineStage> stages) {
        this.definition = definition;
        this.stages = Map.copyOf(stages);
        check(definition);
    }

    public static StateMachine load(Path asl, Map<String, PipelineStage> stages) throws IOException {
        return new StateMachine(JSON.readTree(Files.readAllBytes(asl)), stages);
    }

    public static StateMachine of(JsonNode definition, Map<String, PipelineStage> stages) {
        return new StateMachine(definition, stages);
    }

    /** Task state names in the order the definition runs them (Map bodies inline, a Choice's first branch). */
    public static List<String> taskOrder(JsonNode machine) {
        List<String> order = new ArrayList<>();
        String name = machine.path("StartAt").asText();
        JsonNode states = machine.path("States");
        while (!name.isEmpty() && !order.contains(name)) {
            JsonNode s = states.path(name);
            switch (s.path("Type").asText()) {
                case "Task" -> order.add(name);
                case "Map" -> order.addAll(taskOrder(body(s)));
                default -> { }
            }
            // A Choice's first branch is the longer path; its Default rejoins it (AnyOutcomeTopic).
            name = s.path("Type").asText().equals("Choice") ? s.path("Choices").path(0).path("Next").asText()
                    : s.path("Next").asText();
        }
        return order;
    }

    private static JsonNode body(JsonNode mapState) {
        return mapState.has("ItemProcessor") ? mapState.get("ItemProcessor") : mapState.path("Iterator");
    }

    private void check(JsonNode machine) {
        if (machine.path("QueryLanguage").asText("JSONPath").equals("JSONata")) {
            throw new IllegalArgumentException("JSONata state machines are not supported by local mode");
        }
        Iterator<Map.Entry<String, JsonNode>> it = machine.path("States").properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode s = e.getValue();
            String type = s.path("Type").asText();
            for (String p : List.of("InputPath", "OutputPath", "ResultPath", "ItemsPath")) {
                if (s.hasNonNull(p)) JsonPaths.check(s.get(p).asText());
            }
            switch (type) {
                case "Task" -> {
                    if (!stages.containsKey(e.getKey())) {
                        throw new IllegalArgumentException("no stage bound to Task state " + e.getKey());
                    }
                }
                case "Map" -> check(body(s));
                case "Pass", "Choice", "Succeed", "Fail" -> { }
                default -> throw new IllegalArgumentException("state " + e.getKey() + ": type " + type + " not supported locally");
            }
        }
    }

    public JsonNode run(JsonNode input) throws StateFailure {
        return run(definition, input, F.objectNode());
    }

    private JsonNode run(JsonNode machine, JsonNode input, JsonNode context) throws StateFailure {
        String name = machine.path("StartAt").asText();
        JsonNode data = input;
        while (true) {
            JsonNode s = machine.path("States").path(name);
            String type = s.path("Type").asText();
            String next;
            switch (type) {
                case "Succeed" -> { return output(s, path(s, "InputPath", data, context)); }
                case "Fail" -> throw new StateFailure(s.path("Error").asText("States.Fail"), s.path("Cause").asText(""), null);
                case "Choice" -> {
                    JsonNode in = path(s, "InputPath", data, context);
                    next = Choices.choose(s, in);
                    data = output(s, in);
                }
                case "Pass" -> {
                    JsonNode in = JsonPaths.parameters(s.get("Parameters"), path(s, "InputPath", data, context), context);
                    JsonNode result = s.has("Result") ? s.get("Result") : in;
                    data = output(s, JsonPaths.merge(in, result, resultPath(s), s.has("ResultPath")));
                    next = s.path("Next").asText();
                }
                case "Task", "Map" -> {
                    JsonNode in = path(s, "InputPath", data, context);
                    JsonNode result;
                    try {
                        result = withRetry(s, name, in, context);
                    } catch (StateFailure failure) {
                        JsonNode handler = catcher(s, failure.error());
                        if (handler == null) throw failure;
                        ObjectNode err = F.objectNode().put("Error", failure.error())
                                .put("Cause", String.valueOf(failure.getMessage()));
                        // Catch's ResultPath combines the error with the state's raw input (default $: replace).
                        data = JsonPaths.merge(data, err, resultPath(handler), handler.has("ResultPath"));
                        name = handler.path("Next").asText();
                        continue;
                    }
                    if (s.has("ResultSelector")) result = JsonPaths.parameters(s.get("ResultSelector"), result, context);
                    data = output(s, JsonPaths.merge(data, result, resultPath(s), s.has("ResultPath")));
                    next = s.path("Next").asText();
                }
                default -> throw new StateFailure("States.Runtime", "unsupported state " + type, null);
            }
            if (s.path("End").asBoolean(false) || next.isEmpty()) return data;
            name = next;
        }
    }

    private JsonNode withRetry(JsonNode s, String name, JsonNode in, JsonNode context) throws StateFailure {
        int attempt = 0;
        while (true) {
            try {
                return execute(s, name, in, context);
            } catch (StateFailure failure) {
                JsonNode retrier = retrier(s, failure.error());
                int max = retrier == null ? 0 : retrier.path("MaxAttempts").asInt(3);
                if (attempt >= max) throw failure;
                double interval = retrier.path("IntervalSeconds").asDouble(1) * Math.pow(retrier.path("BackoffRate").asDouble(2), attempt);
                sleep(Math.min(MAX_RETRY_SLEEP_MS, (long) (interval * 1000)));
                attempt++;
            }
        }
    }

    private JsonNode execute(JsonNode s, String name, JsonNode in, JsonNode context) throws StateFailure {
        if (s.path("Type").asText().equals("Map")) return map(s, in, context);
        JsonNode params = JsonPaths.parameters(s.get("Parameters"), in, context);
        boolean invokeIntegration = s.path("Resource").asText().startsWith("arn:aws:states:::lambda:invoke");
        JsonNode payload = invokeIntegration ? params.path("Payload") : params;
        JsonNode result;
        try {
            result = stages.get(name).apply(payload);
        } catch (Exception | Error e) {
            // Errors a Lambda reports carry the exception class as the error name.
            throw new StateFailure(e.getClass().getName(), e.getMessage() == null ? "" : e.getMessage(), e);
        }
        if (result == null) result = F.nullNode();
        return invokeIntegration ? F.objectNode().set("Payload", result) : result;
    }

    private JsonNode map(JsonNode s, JsonNode in, JsonNode context) throws StateFailure {
        JsonNode items = s.hasNonNull("ItemsPath") ? JsonPaths.read(in, context, s.get("ItemsPath").asText()) : in;
        if (!items.isArray()) throw new StateFailure("States.Runtime", "Map items are not an array", null);
        JsonNode selector = s.has("ItemSelector") ? s.get("ItemSelector") : s.get("Parameters");
        ArrayNode results = F.arrayNode();
        int i = 0;
        for (JsonNode item : items) {
            ObjectNode ctx = context.deepCopy() instanceof ObjectNode o ? o : F.objectNode();
            ctx.putObject("Map").putObject("Item").put("Index", i++).set("Value", item);
            JsonNode itemInput = selector == null ? item : JsonPaths.parameters(selector, in, ctx);
            results.add(run(body(s), itemInput, ctx));
        }
        return results;
    }

    private static JsonNode retrier(JsonNode s, String error) {
        for (JsonNode r : s.path("Retry")) if (matches(r, error)) return r;
        return null;
    }

    private static JsonNode catcher(JsonNode s, String error) {
        for (JsonNode c : s.path("Catch")) if (matches(c, error)) return c;
        return null;
    }

    private static boolean matches(JsonNode rule, String error) {
        String simple = error.substring(error.lastIndexOf('.') + 1);
        for (JsonNode e : rule.path("ErrorEquals")) {
            String name = e.asText();
            if (name.equals("States.ALL") || name.equals(error) || name.equals(simple)) return true;
            // A Lambda handler's exception is a task failure, and what Lambda.* retriers target.
            if (name.equals("States.TaskFailed") && !error.startsWith("States.")) return true;
        }
        return false;
    }

    private static String resultPath(JsonNode s) {
        JsonNode p = s.get("ResultPath");
        return p == null || p.isNull() ? null : p.asText();
    }

    private static JsonNode path(JsonNode s, String field, JsonNode data, JsonNode context) {
        if (!s.has(field)) return data;
        if (s.get(field).isNull()) return F.objectNode();
        return JsonPaths.read(data, context, s.get(field).asText());
    }

    private static JsonNode output(JsonNode s, JsonNode data) {
        if (!s.has("OutputPath")) return data;
        if (s.get("OutputPath").isNull()) return F.objectNode();
        return JsonPaths.read(data, F.objectNode(), s.get("OutputPath").asText());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
