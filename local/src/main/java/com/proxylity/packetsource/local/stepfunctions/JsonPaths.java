package com.proxylity.packetsource.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The reference-path subset of JSONPath that ASL uses in InputPath, OutputPath, ResultPath,
 * ItemsPath and {@code "key.$"} Parameters: {@code $}, {@code $.a.b}, {@code $$.Map.Item.Value}.
 * Anything else is rejected when the definition is loaded, never misread at run time.
 */
final class JsonPaths {
    private JsonPaths() {}

    static void check(String path) {
        if (path == null) return;
        if (!path.equals("$") && !path.matches("\\$\\$?(\\.[A-Za-z0-9_]+)+")) {
            throw new IllegalArgumentException("unsupported JSONPath in state machine: " + path);
        }
    }

    static JsonNode read(JsonNode root, JsonNode context, String path) {
        check(path);
        JsonNode node = path.startsWith("$$") ? context : root;
        String rest = path.startsWith("$$") ? path.substring(2) : path.substring(1);
        if (rest.isEmpty()) return node;
        for (String part : rest.substring(1).split("\\.")) {
            node = node == null ? MissingNode.getInstance() : node.path(part);
        }
        if (node.isMissingNode()) throw new IllegalStateException("States.Runtime: path " + path + " not found");
        return node;
    }

    /** ResultPath: null keeps the input, $ replaces it, $.a.b sets a field in a copy of it. */
    static JsonNode merge(JsonNode input, JsonNode result, String resultPath, boolean present) {
        if (present && resultPath == null) return input;
        if (!present || resultPath.equals("$")) return result;
        check(resultPath);
        ObjectNode root = input.isObject() ? ((ObjectNode) input).deepCopy() : JsonNodeFactory.instance.objectNode();
        String[] parts = resultPath.substring(2).split("\\.");
        ObjectNode at = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = at.get(parts[i]);
            at = next instanceof ObjectNode o ? o : at.putObject(parts[i]);
        }
        at.set(parts[parts.length - 1], result);
        return root;
    }

    /** Parameters/ItemSelector: fields ending in {@code .$} are paths, others literal. */
    static JsonNode parameters(JsonNode template, JsonNode input, JsonNode context) {
        if (template == null) return input;
        if (!template.isObject()) return template;
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Iterator<Map.Entry<String, JsonNode>> it = template.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().endsWith(".$")) {
                out.set(f.getKey().substring(0, f.getKey().length() - 2), read(input, context, f.getValue().asText()));
            } else {
                out.set(f.getKey(), parameters(f.getValue(), input, context));
            }
        }
        return out;
    }
}
