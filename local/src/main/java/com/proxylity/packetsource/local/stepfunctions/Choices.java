package com.proxylity.packetsource.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** The Choice rules of ASL (JSONPath): the comparison operators, And/Or/Not, IsPresent and friends. */
final class Choices {
    private Choices() {}

    static String choose(JsonNode state, JsonNode input) throws StateFailure {
        for (JsonNode rule : state.path("Choices")) {
            if (test(rule, input)) return rule.path("Next").asText();
        }
        if (state.has("Default")) return state.get("Default").asText();
        throw new StateFailure("States.NoChoiceMatched", "no choice matched", null);
    }

    private static boolean test(JsonNode rule, JsonNode input) throws StateFailure {
        if (rule.has("And")) {
            for (JsonNode r : rule.get("And")) if (!test(r, input)) return false;
            return true;
        }
        if (rule.has("Or")) {
            for (JsonNode r : rule.get("Or")) if (test(r, input)) return true;
            return false;
        }
        if (rule.has("Not")) return !test(rule.get("Not"), input);
        JsonNode v;
        try {
            v = JsonPaths.read(input, JsonNodeFactory.instance.objectNode(), rule.path("Variable").asText());
        } catch (IllegalStateException missing) {
            v = null;
        }
        var it = rule.fieldNames();
        while (it.hasNext()) {
            String op = it.next();
            if (op.equals("Variable") || op.equals("Next")) continue;
            JsonNode arg = rule.get(op);
            if (op.endsWith("Path")) {
                arg = JsonPaths.read(input, JsonNodeFactory.instance.objectNode(), arg.asText());
                op = op.substring(0, op.length() - 4);
            }
            return switch (op) {
                case "IsPresent" -> (v != null) == arg.asBoolean();
                case "IsNull" -> (v != null && v.isNull()) == arg.asBoolean();
                case "IsBoolean" -> (v != null && v.isBoolean()) == arg.asBoolean();
                case "IsNumeric" -> (v != null && v.isNumber()) == arg.asBoolean();
                case "IsString" -> (v != null && v.isTextual()) == arg.asBoolean();
                case "BooleanEquals" -> v != null && v.isBoolean() && v.asBoolean() == arg.asBoolean();
                case "StringEquals" -> v != null && v.isTextual() && v.asText().equals(arg.asText());
                case "NumericEquals" -> v != null && v.isNumber() && v.asDouble() == arg.asDouble();
                case "NumericGreaterThan" -> v != null && v.isNumber() && v.asDouble() > arg.asDouble();
                case "NumericGreaterThanEquals" -> v != null && v.isNumber() && v.asDouble() >= arg.asDouble();
                case "NumericLessThan" -> v != null && v.isNumber() && v.asDouble() < arg.asDouble();
                case "NumericLessThanEquals" -> v != null && v.isNumber() && v.asDouble() <= arg.asDouble();
                default -> throw new StateFailure("States.Runtime", "Choice operator " + op + " not supported locally", null);
            };
        }
        return false;
    }
}
