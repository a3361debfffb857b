package com.proxylity.packetsource.dynamodb;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reading and writing typed attributes, with errors that name the table, key and attribute. */
final class Attr {
    private Attr() {}

    static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    static AttributeValue bool(boolean v) {
        return AttributeValue.fromBool(v);
    }

    static AttributeValue list(List<String> values) {
        return AttributeValue.fromL(values.stream().map(AttributeValue::fromS).toList());
    }

    static String reqS(Map<String, AttributeValue> item, String name, String where) {
        String v = optS(item, name);
        if (v == null) throw bad(where, name, "missing string");
        return v;
    }

    static String optS(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    static long reqN(Map<String, AttributeValue> item, String name, String where) {
        AttributeValue v = item.get(name);
        if (v == null || v.n() == null) throw bad(where, name, "missing number");
        return parse(v.n(), name, where);
    }

    static long optN(Map<String, AttributeValue> item, String name, long dflt, String where) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? dflt : parse(v.n(), name, where);
    }

    static boolean optBool(Map<String, AttributeValue> item, String name, boolean dflt) {
        AttributeValue v = item.get(name);
        return v == null || v.bool() == null ? dflt : v.bool();
    }

    static List<String> optList(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || !v.hasL()) return List.of();
        return v.l().stream().map(AttributeValue::s).filter(x -> x != null).toList();
    }

    private static long parse(String n, String name, String where) {
        try {
            return Long.parseLong(n);
        } catch (NumberFormatException e) {
            throw bad(where, name, "not an integer");
        }
    }

    static IllegalStateException bad(String where, String name, String what) {
        return new IllegalStateException("registry item " + where + ": attribute " + name + " " + what);
    }
}
