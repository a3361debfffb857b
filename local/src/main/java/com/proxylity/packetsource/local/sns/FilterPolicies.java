package com.proxylity.packetsource.local.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Filter policies as local mode evaluates them: attribute name to a list of exact string values,
 * which is what the delivery-queue subscriptions use. Anything richer (numeric, prefix,
 * anything-but, nested keys) is refused at Subscribe rather than silently matched differently.
 */
final class FilterPolicies {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_BYTES = 256 * 1024;

    private FilterPolicies() {}

    static Map<String, List<String>> parse(String policy) throws SnsException {
        if (policy == null || policy.isBlank()) return Map.of();
        if (policy.length() > MAX_BYTES) throw SnsException.invalidParameter("Attributes Reason: FilterPolicy too long");
        JsonNode root;
        try {
            root = JSON.readTree(policy);
        } catch (IOException e) {
            throw SnsException.invalidParameter("Attributes Reason: FilterPolicy: failed to parse JSON");
        }
        if (root == null || !root.isObject()) throw SnsException.invalidParameter("Attributes Reason: FilterPolicy: not a JSON object");
        Map<String, List<String>> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isArray()) throw unsupported();
            List<String> values = new ArrayList<>();
            for (JsonNode v : e.getValue()) {
                if (!v.isTextual()) throw unsupported();
                values.add(v.textValue());
            }
            out.put(e.getKey(), List.copyOf(values));
        }
        return out;
    }

    private static SnsException unsupported() {
        return SnsException.invalidParameter("Attributes Reason: local mode supports filter policies of exact string values only");
    }
}
