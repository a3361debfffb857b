package com.proxylity.packetsource.local.customers;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.CustomerDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link CustomerDirectory} over a running local mode's {@link LocalCustomerEndpoint}. */
public final class HttpCustomerDirectory implements CustomerDirectory {
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public HttpCustomerDirectory(URI endpoint) {
        this.base = URI.create(endpoint.toString().replaceAll("/+$", ""));
    }

    @Override
    public Optional<Customer> get(String id) {
        HttpResponse<String> r = send("GET", "/customers/" + id, null);
        if (r.statusCode() == 404) return Optional.empty();
        return Optional.of(CustomerJson.read(body(r, 200)));
    }

    @Override
    public List<Customer> list() {
        List<Customer> out = new ArrayList<>();
        body(send("GET", "/customers", null), 200).forEach(n -> out.add(CustomerJson.read(n)));
        return out;
    }

    @Override
    public boolean create(Customer customer) {
        HttpResponse<String> r = send("POST", "/customers", CustomerJson.write(customer));
        if (r.statusCode() == 409) return false;
        body(r, 201);
        return true;
    }

    @Override
    public boolean replace(Customer expected, Customer updated) {
        var req = CustomerJson.JSON.createObjectNode();
        req.set("expected", CustomerJson.write(expected));
        req.set("updated", CustomerJson.write(updated));
        HttpResponse<String> r = send("PUT", "/customers/" + expected.id(), req);
        if (r.statusCode() == 409) return false;
        body(r, 200);
        return true;
    }

    /** The Listener's owner in local mode, null for none; fails naming it if there is no such Listener. */
    public String listenerOwner(String listener) {
        JsonNode n = body(send("GET", "/listeners/" + listener, null), 200);
        return n.hasNonNull("owner") ? n.get("owner").asText() : null;
    }

    /** Local mode only: the Listener's owner in the running registry (on AWS: the deployment configuration). */
    public void assignListener(String listener, String customerId) {
        body(send("PUT", "/listeners/" + listener + "/owner", CustomerJson.JSON.createObjectNode().put("owner", customerId)), 200);
    }

    private HttpResponse<String> send(String method, String path, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("local mode's customers endpoint " + base + " did not answer ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "): is 'packet-source local' running? It prints the endpoint as 'customers'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode body(HttpResponse<String> r, int expected) {
        JsonNode n;
        try {
            n = CustomerJson.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("local customers endpoint answered " + r.statusCode() + " with no JSON");
        }
        if (r.statusCode() != expected) {
            throw new IllegalArgumentException(n.path("message").asText("local customers endpoint answered " + r.statusCode()));
        }
        return n;
    }
}
