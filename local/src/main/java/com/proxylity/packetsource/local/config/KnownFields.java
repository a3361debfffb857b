package com.proxylity.packetsource.local.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names a misspelt field of the config and its line before Jackson binds it: Jackson builds a
 * record before it reports the unknown fields around it, so a typo such as {@code maxRecieveCount}
 * would surface as the record's complaint about the field it left unset. The known fields are the
 * records' own properties, so there is no second list to keep.
 */
final class KnownFields {
    private KnownFields() {}

    static void check(byte[] yaml, Class<?> root) throws IOException {
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            if (p.nextToken() == JsonToken.START_OBJECT) object(p, root, "");
        }
    }

    private static void object(JsonParser p, Class<?> type, String path) throws IOException {
        Map<String, Type> fields = fields(type);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            Type t = fields.get(name);
            if (t == null) {
                String near = fields.keySet().stream().filter(k -> k.equalsIgnoreCase(name) || close(k, name)).findFirst()
                        .map(k -> " (did you mean " + k + "?)").orElse("");
                throw new IllegalArgumentException("line " + p.currentTokenLocation().getLineNr() + ": unknown field '" + name + "'"
                        + (path.isEmpty() ? "" : " in " + path) + near + "; known: " + String.join(", ", fields.keySet()));
            }
            value(p, p.nextToken(), t, path.isEmpty() ? name : path + "." + name);
        }
    }

    private static void value(JsonParser p, JsonToken token, Type type, String path) throws IOException {
        Class<?> raw = type instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : (Class<?>) type;
        if (token == JsonToken.START_OBJECT) {
            if (raw.isRecord()) object(p, raw, path);
            else p.skipChildren();
        } else if (token == JsonToken.START_ARRAY) {
            Type element = type instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
            int i = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
                value(p, t, element, path + "[" + i++ + "]");
            }
        }
    }

    private static Map<String, Type> fields(Class<?> type) {
        Map<String, Type> out = new LinkedHashMap<>();
        if (!type.isRecord()) return out;
        for (RecordComponent c : type.getRecordComponents()) {
            JsonProperty named = c.getAccessor().getAnnotation(JsonProperty.class);
            out.put(named == null || named.value().isEmpty() ? c.getName() : named.value(), c.getGenericType());
        }
        return out;
    }

    /** One edit or one swap of neighbours apart: the typos a person makes. */
    private static boolean close(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 1) return false;
        if (a.length() == b.length()) {
            int first = -1;
            int diffs = 0;
            for (int i = 0; i < a.length(); i++) {
                if (a.charAt(i) != b.charAt(i)) {
                    if (first < 0) first = i;
                    diffs++;
                }
            }
            return diffs == 1 || (diffs == 2 && first + 1 < a.length() && a.charAt(first) == b.charAt(first + 1)
                    && a.charAt(first + 1) == b.charAt(first));
        }
        String s = a.length() < b.length() ? a : b;
        String l = a.length() < b.length() ? b : a;
        int i = 0;
        while (i < s.length() && s.charAt(i) == l.charAt(i)) i++;
        return s.substring(i).equals(l.substring(i + 1));
    }
}
