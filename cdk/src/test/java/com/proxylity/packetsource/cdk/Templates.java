package com.proxylity.packetsource.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.assertions.Template;

/** Reading a synthesized template as JSON: resources of a type, with their logical ids. */
final class Templates {
    static final ObjectMapper JSON = new ObjectMapper();

    private Templates() {}

    static JsonNode json(Template t) {
        return JSON.valueToTree(t.toJSON());
    }

    static List<Map.Entry<String, JsonNode>> resources(Template t, String type) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        json(t).get("Resources").fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals(type)) out.add(Map.entry(e.getKey(), e.getValue()));
        });
        return out;
    }

    static JsonNode one(Template t, String type, String property, String value) {
        List<JsonNode> found = resources(t, type).stream().map(Map.Entry::getValue)
                .filter(r -> r.path("Properties").path(property).asText().equals(value)).toList();
        if (found.size() != 1) throw new AssertionError(found.size() + " " + type + " with " + property + "=" + value);
        return found.get(0);
    }

    static String logicalId(Template t, String type, String property, String value) {
        return resources(t, type).stream()
                .filter(e -> e.getValue().path("Properties").path(property).asText().equals(value))
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no " + type + " " + value));
    }
}
