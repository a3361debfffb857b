package com.proxylity.packetsource.local.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.functions.PacketSourceResource;
import com.proxylity.packetsource.local.http.LoopbackHttpServer;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.util.UUID;
import software.amazon.lambda.powertools.cloudformation.Response;

/**
 * The Custom::ProxylityUdpGatewayPacketSource provider of local mode, served as the Lambda Invoke
 * API ({@code POST /2015-03-31/functions/PacketSourceResource/invocations}) on 127.0.0.1: the
 * CloudFormation request in, the real {@link PacketSourceResource} handles it and PUTs its
 * response to the request's ResponseURL (which must be on loopback here). Requests are handled
 * one at a time, as CloudFormation sends one per resource at a time.
 */
public final class LocalResourceEndpoint implements AutoCloseable {
    public static final String FUNCTION = "PacketSourceResource";
    static final String PATH = "/2015-03-31/functions/" + FUNCTION + "/invocations";
    static final int MAX_BODY_BYTES = 256 * 1024;

    private final PacketSourceResource handler;
    private LoopbackHttpServer http;

    private LocalResourceEndpoint(PacketSourceResource handler) {
        this.handler = handler;
    }

    public static LocalResourceEndpoint start(int port, PacketSourceResource handler) throws IOException {
        LocalResourceEndpoint server = new LocalResourceEndpoint(handler);
        server.http = LoopbackHttpServer.start(port, "local-resource", 1, server::handle);
        return server;
    }

    public URI endpoint() {
        return http.endpoint();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
            if (!"POST".equals(ex.getRequestMethod()) || !PATH.equals(ex.getRequestURI().getPath())) {
                respond(ex, 404, "{\"Type\":\"User\",\"message\":\"POST " + PATH + "\"}");
                return;
            }
            if (body.length > MAX_BODY_BYTES) {
                respond(ex, 413, "{\"Type\":\"User\",\"message\":\"request too large\"}");
                return;
            }
            JsonNode request;
            try {
                request = CfnEvents.JSON.readTree(body);
            } catch (IOException e) {
                respond(ex, 400, "{\"Type\":\"User\",\"message\":\"request is not JSON\"}");
                return;
            }
            String responseUrl = request == null ? null : request.path("ResponseURL").asText(null);
            if (responseUrl == null || !loopback(responseUrl)) {
                // Local mode never sends anything off this machine.
                respond(ex, 400, "{\"Type\":\"User\",\"message\":\"ResponseURL must be an http URL on 127.0.0.1\"}");
                return;
            }
            Response r = handler.handleRequest(CfnEvents.event(request), new LocalLambdaContext(UUID.randomUUID().toString()));
            var out = CfnEvents.JSON.createObjectNode();
            if (r != null) {
                out.put("Status", r.getStatus() == null ? null : r.getStatus().name());
                out.put("PhysicalResourceId", r.getPhysicalResourceId());
                out.put("Reason", r.getReason());
            }
            respond(ex, 200, out.toString());
        }
    }

    static boolean loopback(String url) {
        try {
            URI u = URI.create(url);
            return "http".equals(u.getScheme()) && "127.0.0.1".equals(u.getHost());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void respond(HttpExchange ex, int status, String json) throws IOException {
        LoopbackHttpServer.respond(ex, status, "application/json", json);
    }

    @Override
    public void close() {
        http.close();
    }
}
