package com.proxylity.packetsource.local.customers;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.registry.ApiKeys;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.usage.UsageSource;
import com.proxylity.packetsource.core.usage.UsageStore;
import com.proxylity.packetsource.local.http.LoopbackHttpServer;
import com.proxylity.packetsource.local.usage.UsageJson;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Local mode's stand-in for the operator's access to the Customers table: {@code packet-source
 * customer --local URL} stores customers in the running local mode's registry through it, as it
 * stores them in DynamoDB on AWS. Storage only (what a change may do is the command's, the same
 * for both). On AWS a Listener's owner is deployment configuration; here {@code PUT
 * /listeners/NAME/owner} sets it in the running registry, so a customer can be tried at once.
 * Everything lives until local mode stops; the command prints the config lines that keep it.
 *
 * <pre>
 * GET  /customers                 every customer          PUT /customers/ID  {"expected":C,"updated":C}: 200, 409 changed
 * GET  /customers/ID              one, or 404             PUT /listeners/NAME/owner  {"owner":"ID"}: 200, 404
 * GET  /listeners/NAME            {"name","owner"}, or 404
 * POST /customers   C             201, or 409 id taken
 * GET  /usage?from=S&amp;to=S[&amp;region=R][&amp;customer=ID]   usage records of hours [from, to) (epoch s), one region or all
 * </pre>
 */
public final class LocalCustomerEndpoint implements AutoCloseable {
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final InMemoryRegistry registry;
    private final List<String> regions;
    private final Function<String, UsageStore> usage;
    private LoopbackHttpServer http;

    private LocalCustomerEndpoint(InMemoryRegistry registry, List<String> regions, Function<String, UsageStore> usage) {
        this.registry = registry;
        this.regions = List.copyOf(regions);
        this.usage = usage;
    }

    public static LocalCustomerEndpoint start(int port, InMemoryRegistry registry) throws IOException {
        return start(port, registry, List.of(), region -> UsageStore.NONE);
    }

    /**
     * @param regions local mode's regions
     * @param usage each region's usage records, read by {@code packet-source usage --local}
     */
    public static LocalCustomerEndpoint start(int port, InMemoryRegistry registry, List<String> regions,
                                              Function<String, UsageStore> usage) throws IOException {
        LocalCustomerEndpoint server = new LocalCustomerEndpoint(registry, regions, usage);
        server.http = LoopbackHttpServer.start(port, "local-customers", 1, server::handle);
        return server;
    }

    public URI endpoint() {
        return http.endpoint();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                error(ex, 413, "request too large");
                return;
            }
            String[] path = ex.getRequestURI().getPath().replaceAll("^/+|/+$", "").split("/");
            String method = ex.getRequestMethod();
            try {
                route(ex, method, path, body);
            } catch (IllegalArgumentException | IOException e) {
                error(ex, 400, e.getMessage());
            }
        }
    }

    private void route(HttpExchange ex, String method, String[] path, byte[] body) throws IOException {
        if (path.length == 1 && path[0].equals("customers") && method.equals("GET")) {
            var list = CustomerJson.JSON.createArrayNode();
            registry.list().forEach(c -> list.add(CustomerJson.write(c)));
            ok(ex, 200, list);
        } else if (path.length == 2 && path[0].equals("customers") && method.equals("GET")) {
            var c = registry.get(path[1]);
            if (c.isEmpty()) error(ex, 404, "no customer " + path[1]);
            else ok(ex, 200, CustomerJson.write(c.get()));
        } else if (path.length == 1 && path[0].equals("customers") && method.equals("POST")) {
            var c = CustomerJson.read(CustomerJson.JSON.readTree(body));
            if (!ApiKeys.isCustomerId(c.id())) throw new IllegalArgumentException("bad customer id");
            if (registry.create(c)) ok(ex, 201, CustomerJson.write(c));
            else error(ex, 409, "customer " + c.id() + " exists");
        } else if (path.length == 2 && path[0].equals("customers") && method.equals("PUT")) {
            JsonNode req = CustomerJson.JSON.readTree(body);
            var expected = CustomerJson.read(req.get("expected"));
            var updated = CustomerJson.read(req.get("updated"));
            if (!expected.id().equals(path[1]) || !updated.id().equals(path[1])) throw new IllegalArgumentException("ids differ");
            if (registry.replace(expected, updated)) ok(ex, 200, CustomerJson.write(updated));
            else error(ex, 409, "customer " + path[1] + " changed");
        } else if (path.length == 2 && path[0].equals("listeners") && method.equals("GET")) {
            Optional<Listener> l = registry.listener(path[1]);
            if (l.isEmpty()) error(ex, 404, "no Listener " + path[1] + " in local mode");
            else ok(ex, 200, CustomerJson.JSON.createObjectNode().put("name", path[1]).put("owner", l.get().owner()));
        } else if (path.length == 3 && path[0].equals("listeners") && path[2].equals("owner") && method.equals("PUT")) {
            String owner = CustomerJson.JSON.readTree(body).path("owner").asText(null);
            Optional<Listener> l = registry.listener(path[1]);
            if (l.isEmpty()) {
                error(ex, 404, "no Listener " + path[1]);
            } else if (owner == null || registry.get(owner).isEmpty()) {
                error(ex, 404, "no customer " + owner);
            } else {
                registry.put(l.get().ownedBy(owner));
                ok(ex, 200, CustomerJson.JSON.createObjectNode().put("listener", path[1]).put("owner", owner));
            }
        } else if (path.length == 1 && path[0].equals("usage") && method.equals("GET")) {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            String region = q.get("region");
            if (region != null && !regions.contains(region)) throw new IllegalArgumentException("local mode serves " + regions);
            String customer = q.get("customer");
            if (customer != null && !customer.equals(UsageSource.OPERATOR) && !ApiKeys.isCustomerId(customer)) {
                throw new IllegalArgumentException("bad customer id");
            }
            long from = number(q.get("from"), "from");
            long to = number(q.get("to"), "to");
            var list = CustomerJson.JSON.createArrayNode();
            for (String r : region == null ? regions : List.of(region)) {
                usage.apply(r).query(customer, from, to).forEach(rec -> list.add(UsageJson.write(rec)));
            }
            ok(ex, 200, list);
        } else {
            error(ex, 404, "no such resource: " + method + " " + ex.getRequestURI().getPath());
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) return out;
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) continue;
            out.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static long number(String v, String name) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException(name + " must be epoch seconds");
        }
    }

    private static void ok(HttpExchange ex, int status, JsonNode body) throws IOException {
        LoopbackHttpServer.respond(ex, status, "application/json", body.toString());
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        LoopbackHttpServer.respond(ex, status, "application/json",
                CustomerJson.JSON.createObjectNode().put("message", message).toString());
    }

    @Override
    public void close() {
        http.close();
    }
}
