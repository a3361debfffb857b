package com.proxylity.packetsource.local.faults;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP proxy in front of a sender's egress API that injects one fault per tag: the
 * first request whose payloads start with the tag meets it, later ones pass. The faults are those
 * the pipeline meets between Egress and the sender: a 503 that never reached the sender, a 503
 * after the sender sent, an answer that arrives after the client gave up, a request that arrives
 * after the client gave up. Holds end when the client's retry arrives, never after a sleep.
 */
final class FaultyEgressProxy implements AutoCloseable {
    enum Fault {
        /**
         * The first three requests with the tag (every Egress attempt of one execution) are
         * answered 503 without reaching the sender: the records fail and SQS redelivers them.
         */
        REFUSE_ONE_EXECUTION,
        /** The first request reaches the sender; its client gets 503 instead of the answer. */
        FORWARD_THEN_503,
        /** The first request reaches the sender; its answer is held until the client's retry arrives. */
        HOLD_ANSWER_UNTIL_RETRY,
        /** The first request is held until the client's retry arrives, then delivered first. */
        HOLD_REQUEST_UNTIL_RETRY
    }

    /** What the proxy saw: a tag, and the status the sender gave the request (0: not forwarded). */
    record Seen(String tag, int attempt, int senderStatus) { }

    private static final List<String> FORWARDED = List.of("Content-Type", EgressApi.HEADER_TIMESTAMP, EgressApi.HEADER_NONCE,
            EgressApi.HEADER_SIGNATURE, EgressApi.HEADER_KEY_ID);

    /** Egress's attempts per execution: the first and the definition's two retries of SenderUnavailableException. */
    static final int EGRESS_ATTEMPTS = 3;

    private final URI target;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> retryArrived = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> heldDelivered = new ConcurrentHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    FaultyEgressProxy(String senderEndpoint) throws IOException {
        this.target = URI.create(senderEndpoint + EgressApi.PATH);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void inject(String tag, Fault fault) {
        faults.put(tag, fault);
        retryArrived.put(tag, new CompletableFuture<>());
        heldDelivered.put(tag, new CompletableFuture<>());
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String tag = tagOf(body);
            Fault fault = tag == null ? null : faults.get(tag);
            if (fault == null) {
                relay(ex, forward(ex, body));
                return;
            }
            int attempt = attempts.computeIfAbsent(tag, t -> new AtomicInteger()).incrementAndGet();
            if (attempt > 1) retryArrived.get(tag).complete(null);
            switch (fault) {
                case REFUSE_ONE_EXECUTION -> {
                    if (attempt <= EGRESS_ATTEMPTS) {
                        seen.add(new Seen(tag, attempt, 0));
                        answer(ex, 503, "application/json", "{\"Error\":\"Injected\"}".getBytes(StandardCharsets.UTF_8));
                        return;
                    }
                    relay(ex, record(tag, attempt, forward(ex, body)));
                }
                case FORWARD_THEN_503 -> {
                    HttpResponse<byte[]> r = record(tag, attempt, forward(ex, body));
                    if (attempt == 1) {
                        answer(ex, 503, "application/json", "{\"Error\":\"Injected\"}".getBytes(StandardCharsets.UTF_8));
                    } else {
                        relay(ex, r);
                    }
                }
                case HOLD_ANSWER_UNTIL_RETRY -> {
                    HttpResponse<byte[]> r = record(tag, attempt, forward(ex, body));
                    if (attempt == 1) await(retryArrived.get(tag));
                    relay(ex, r); // to a client that is gone, for the first
                }
                case HOLD_REQUEST_UNTIL_RETRY -> {
                    if (attempt == 1) {
                        await(retryArrived.get(tag));
                        try {
                            relay(ex, record(tag, attempt, forward(ex, body)));
                        } finally {
                            heldDelivered.get(tag).complete(null);
                        }
                    } else {
                        await(heldDelivered.get(tag));
                        relay(ex, record(tag, attempt, forward(ex, body)));
                    }
                }
            }
        } catch (IOException e) {
            // The client went away (it timed out): what the sender did stays done.
        }
    }

    private HttpResponse<byte[]> record(String tag, int attempt, HttpResponse<byte[]> r) {
        seen.add(new Seen(tag, attempt, r.statusCode()));
        return r;
    }

    private String tagOf(byte[] body) {
        EgressRequest req;
        try {
            req = EgressBinary.readRequest(body);
        } catch (IOException e) {
            return null;
        }
        for (EgressPacket p : req.packets()) {
            String payload = new String(p.payload(), StandardCharsets.UTF_8);
            for (String tag : faults.keySet()) if (payload.startsWith(tag)) return tag;
        }
        return null;
    }

    private HttpResponse<byte[]> forward(HttpExchange ex, byte[] body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (String h : FORWARDED) {
            String v = ex.getRequestHeaders().getFirst(h);
            if (v != null) b.header(h, v);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void relay(HttpExchange ex, HttpResponse<byte[]> r) throws IOException {
        answer(ex, r.statusCode(), r.headers().firstValue("Content-Type").orElse("application/json"), r.body());
    }

    private static void answer(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static void await(CompletableFuture<Void> f) throws IOException {
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("the client's retry never came", e);
        }
    }

    @Override
    public void close() {
        retryArrived.values().forEach(f -> f.complete(null));
        heldDelivered.values().forEach(f -> f.complete(null));
        server.stop(0);
        pool.shutdownNow();
    }
}
