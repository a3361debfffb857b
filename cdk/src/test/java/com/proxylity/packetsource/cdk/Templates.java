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

    /**
     * A string value as CloudFormation resolves it in the commercial partition: literal, or an
     * {@code Fn::Join} of literals and {@code Ref AWS::Partition}; null for anything else.
     */
    static String text(JsonNode v) {
        if (v.isTextual()) return v.asText();
        if (v.path("Ref").asText().equals("AWS::Partition")) return "aws";
        JsonNode join = v.get("Fn::Join");
        if (join == null) return null;
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : join.get(1)) {
            String s = text(part);
            if (s == null) return null;
            if (sb.length() > 0) sb.append(join.get(0).asText());
            sb.append(s);
        }
        return sb.toString();
    }

    /** A value that is one string or a list of them, as IAM writes Action, Resource and condition values. */
    static List<JsonNode> list(JsonNode v) {
        List<JsonNode> out = new ArrayList<>();
        if (v == null || v.isMissingNode()) return out;
        if (v.isArray()) v.forEach(out::add); else out.add(v);
        return out;
    }

    /**
     * The table a policy resource names, as {@code <name>} when it is in the template's own region
     * (a GetAtt of a table of this template, or an ARN of this region), else {@code <name>@<region>}.
     */
    static String table(Template t, String region, JsonNode resource) {
        String id = resource.at("/Fn::GetAtt/0").asText();
        if (!id.isEmpty()) return json(t).at("/Resources/" + id + "/Properties/TableName").asText();
        String arn = text(resource);
        if (arn == null || !arn.startsWith("arn:aws:dynamodb:")) return String.valueOf(arn);
        String[] p = arn.split(":", 6);
        String name = p[5].substring("table/".length());
        return p[3].equals(region) ? name : name + "@" + p[3];
    }
}
