package com.proxylity.packetsource.local.customers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of the deployment configuration ({@code cdk/cdk.json}'s context, docs/deployment.md)
 * that customer onboarding needs to read: which regions are served and which is home, which
 * customers the queues admit, and whom each Listener is assigned to. The CDK app stays the owner
 * of the rules; this only reads what the operator wrote, so the command can say what is missing.
 *
 * @param customers by customer id, its accounts
 * @param owners by Listener name, its owner (null: none)
 */
public record DeploymentFile(Path path, List<String> regions, String homeRegion, Map<String, List<String>> customers,
                             Map<String, String> owners) {

    public static DeploymentFile read(Path path) throws IOException {
        JsonNode context = new ObjectMapper().readTree(Files.readAllBytes(path)).path("context");
        List<String> regions = new ArrayList<>();
        JsonNode r = context.path("regions");
        if (r.isArray()) r.forEach(x -> regions.add(x.asText()));
        else if (r.isTextual()) for (String x : r.asText().split(",")) if (!x.isBlank()) regions.add(x.trim());
        if (regions.isEmpty()) regions.add("us-east-1"); // the CDK app's default
        String home = context.path("homeRegion").asText("");
        Map<String, List<String>> customers = new LinkedHashMap<>();
        for (JsonNode c : context.path("customers")) {
            List<String> accounts = new ArrayList<>();
            c.path("accounts").forEach(a -> accounts.add(a.asText()));
            customers.put(c.path("id").asText(), accounts);
        }
        Map<String, String> owners = new LinkedHashMap<>();
        for (JsonNode l : context.path("listeners")) {
            owners.put(l.path("name").asText(), l.hasNonNull("owner") ? l.get("owner").asText() : null);
        }
        return new DeploymentFile(path, List.copyOf(regions), home.isBlank() ? regions.get(0) : home, customers, owners);
    }
}
