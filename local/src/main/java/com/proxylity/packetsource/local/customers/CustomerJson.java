package com.proxylity.packetsource.local.customers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.registry.Customer;
import java.util.LinkedHashSet;
import java.util.Set;

/** A customer as local mode's customers endpoint and its client exchange it: hashes, never keys. */
final class CustomerJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private CustomerJson() {}

    static ObjectNode write(Customer c) {
        ObjectNode n = JSON.createObjectNode().put("id", c.id()).put("apiKeySha256", c.apiKeySha256())
                .put("externalId", c.externalId()).put("disabled", c.disabled());
        if (c.previousApiKeySha256() != null) n.put("previousApiKeySha256", c.previousApiKeySha256());
        var accounts = n.putArray("accounts");
        c.accounts().stream().sorted().forEach(accounts::add);
        return n;
    }

    static Customer read(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("a customer must be a JSON object");
        Set<String> accounts = new LinkedHashSet<>();
        n.path("accounts").forEach(a -> accounts.add(a.asText()));
        return new Customer(text(n, "id"), text(n, "apiKeySha256"), text(n, "externalId"), accounts,
                n.hasNonNull("previousApiKeySha256") ? n.get("previousApiKeySha256").asText() : null,
                n.path("disabled").asBoolean(false));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException("customer." + field + " is required");
        return v.asText();
    }
}
