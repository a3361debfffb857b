package com.proxylity.packetsource.sender.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * What ECS says about this task (task metadata endpoint v4, {@code $ECS_CONTAINER_METADATA_URI_V4/task}):
 * its private address — the egress endpoint the pipeline routes to, unique to this task — and
 * whether ECS has decided to stop it ({@code DesiredStatus} STOPPED: the load balancer is
 * draining it, SIGTERM follows after the deregistration delay).
 */
public final class EcsTaskMetadata {
    public static final String ENV = "ECS_CONTAINER_METADATA_URI_V4";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI task;

    public EcsTaskMetadata(String metadataUri) {
        this.task = URI.create(metadataUri.trim() + "/task");
    }

    /** The task's first private IPv4 address (awsvpc: the ENI's). */
    public String privateAddress() throws IOException {
        for (JsonNode c : read().path("Containers")) {
            for (JsonNode n : c.path("Networks")) {
                for (JsonNode a : n.path("IPv4Addresses")) {
                    if (a.isTextual() && !a.asText().isBlank()) return a.asText();
                }
            }
        }
        throw new IOException("no private IPv4 address in the task metadata");
    }

    /** True once ECS wants the task stopped; empty when the endpoint cannot be read now. */
    public Optional<Boolean> stopping() {
        try {
            return Optional.of("STOPPED".equals(read().path("DesiredStatus").asText()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private JsonNode read() throws IOException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(task).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IOException("task metadata answered " + r.statusCode());
            return JSON.readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
