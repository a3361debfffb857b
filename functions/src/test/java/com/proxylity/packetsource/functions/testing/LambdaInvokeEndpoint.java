package com.proxylity.packetsource.functions.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.functions.state.StateJson;
import com.proxylity.packetsource.functions.state.StageHandler;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * The Lambda Invoke API ({@code POST /2015-03-31/functions/<name|arn>/invocations}) on 127.0.0.1,
 * serving real handler instances in this JVM, so an independent ASL engine pointed here with
 * {@code AWS_ENDPOINT_URL_LAMBDA} runs the state machine against the real handler code. A handler
 * exception is answered the way Lambda does (200, {@code X-Amz-Function-Error: Unhandled},
 * {@code errorType} = exception class name), which is what Retry/Catch match on.
 */
public final class LambdaInvokeEndpoint implements AutoCloseable {
    /** One invocation as seen on the wire, for assertions. */
    public record Invocation(String function, JsonNode input, JsonNode output, String errorType) {}

    private static final String PREFIX = "/2015-03-31/functions/";

    private final HttpServer server;
    private final Map<String, StageHandler<?, ?>> handlers = new ConcurrentHashMap<>();
    private final List<Invocation> invocations = new CopyOnWriteArrayList<>();

    public LambdaInvokeEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(PREFIX, this::invoke);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    public LambdaInvokeEndpoint register(String functionName, StageHandler<?, ?> handler) {
        handlers.put(functionName, handler);
        return this;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<Invocation> invocations() {
        return List.copyOf(invocations);
    }

    public void clear() {
        invocations.clear();
    }

    private void invoke(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            if (!"POST".equals(ex.getRequestMethod()) || !path.endsWith("/invocations")) {
                reply(ex, 404, "{\"message\":\"not found\"}".getBytes(StandardCharsets.UTF_8), null);
                return;
            }
            String ref = URLDecoder.decode(path.substring(PREFIX.length(), path.length() - "/invocations".length()),
                    StandardCharsets.UTF_8);
            String name = ref.contains(":function:") ? ref.substring(ref.indexOf(":function:") + 10) : ref;
            int colon = name.indexOf(':');
            if (colon >= 0) name = name.substring(0, colon); // qualifier
            StageHandler<?, ?> h = handlers.get(name);
            byte[] in = ex.getRequestBody().readAllBytes();
            if (h == null) {
                reply(ex, 404, ("{\"Type\":\"User\",\"message\":\"Function not found: " + name + "\"}")
                        .getBytes(StandardCharsets.UTF_8), null);
                return;
            }
            JsonNode input = StateJson.MAPPER.readTree(in);
            try {
                byte[] out = h.handleJson(in);
                invocations.add(new Invocation(name, input, StateJson.MAPPER.readTree(out), null));
                reply(ex, 200, out, null);
            } catch (RuntimeException e) {
                ObjectNode err = StateJson.MAPPER.createObjectNode();
                err.put("errorType", e.getClass().getName());
                err.put("errorMessage", String.valueOf(e.getMessage()));
                invocations.add(new Invocation(name, input, err, e.getClass().getName()));
                reply(ex, 200, StateJson.MAPPER.writeValueAsBytes(err), "Unhandled");
            }
        }
    }

    private static void reply(HttpExchange ex, int status, byte[] body, String functionError) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
        if (functionError != null) ex.getResponseHeaders().set("X-Amz-Function-Error", functionError);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
