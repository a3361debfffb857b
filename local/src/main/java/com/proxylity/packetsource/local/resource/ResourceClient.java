package com.proxylity.packetsource.local.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.net.ConnectException;

/**
 * Plays CloudFormation against a provider endpoint: sends a custom resource request (Lambda
 * Invoke API) whose ResponseURL is a loopback server of its own, and returns the body the
 * provider PUT there — exactly what CloudFormation would have received.
 */
public final class ResourceClient implements AutoCloseable {
    /** Stack id of requests that do not name one; the physical id derives from it, so keep it to update or delete. */
    public static final String DEFAULT_STACK_ID =
            "arn:aws:cloudformation:us-east-1:000000000000:stack/packet-source-local/00000000-0000-4000-8000-000000000000";
    public static final String DEFAULT_LOGICAL_ID = "PacketSource";
    static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final URI invokeUri;
    private final HttpServer responses;
    private final BlockingQueue<byte[]> puts = new LinkedBlockingQueue<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ResourceClient(URI endpoint) throws IOException {
        String base = endpoint.toString().replaceAll("/+$", "");
        this.invokeUri = URI.create(base + LocalResourceEndpoint.PATH);
        this.responses = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        responses.createContext("/", ex -> {
            try (ex) {
                byte[] body = ex.getRequestBody().readNBytes(MAX_RESPONSE_BYTES);
                boolean put = "PUT".equals(ex.getRequestMethod());
                if (put) puts.add(body);
                ex.sendResponseHeaders(put ? 200 : 405, -1);
            }
        });
        responses.start();
    }

    /**
     * @param physicalId the resource's id for Update and Delete (from the Create's response)
     * @param oldProperties the previous properties, Update only
     * @return the response body as PUT to the ResponseURL
     */
    public JsonNode send(String requestType, JsonNode properties, JsonNode oldProperties, String physicalId,
                         String stackId, String logicalId) throws IOException, InterruptedException {
        String requestId = UUID.randomUUID().toString();
        String responseUrl = "http://127.0.0.1:" + responses.getAddress().getPort() + "/cloudformation-response/" + requestId;
        JsonNode request = CfnEvents.request(requestType, responseUrl, stackId == null ? DEFAULT_STACK_ID : stackId,
                requestId, logicalId == null ? DEFAULT_LOGICAL_ID : logicalId, physicalId, properties, oldProperties);
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(invokeUri).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ConnectException("the provider endpoint " + invokeUri.resolve("/") + " does not answer: is"
                    + " 'packet-source local' running? It prints the endpoint as 'provider'");
        }
        if (r.statusCode() != 200) throw new IOException("provider endpoint answered " + r.statusCode() + ": " + r.body());
        byte[] body = puts.poll(30, TimeUnit.SECONDS);
        if (body == null) throw new IOException("the provider sent no response to the ResponseURL");
        return CfnEvents.JSON.readTree(body);
    }

    @Override
    public void close() {
        responses.stop(0);
    }
}
