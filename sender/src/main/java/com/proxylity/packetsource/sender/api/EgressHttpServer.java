package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import com.proxylity.packetsource.core.egressapi.EgressVerifier.Verdict;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The egress API over HTTP/1.1 (cross-team contract 3), on the JDK's built-in server.
 *
 * <p>Why the JDK server and not Netty HTTP: a request carries a whole batch, so the request rate
 * is low (the egress Lambda's Map iterations) and per-request overhead is irrelevant next to the
 * datagrams; the JDK server needs no extra dependency, and handlers run on our own bounded
 * pool, where waiting for the batch's send outcomes is simple blocking code. The datagram path,
 * where speed matters, is Netty epoll.
 */
public final class EgressHttpServer {
    private static final JsonLog LOG = JsonLog.of(EgressHttpServer.class);
    private static final byte[] UNAUTHORIZED = json("{\"Error\":\"Unauthorized\"}");

    static {
        // The JDK server writes the response headers and body as separate segments; with Nagle
        // on, the body waits for the client's delayed ACK (~40 ms per request, measured: the
        // egress API ran at ~25 requests/s per connection). Read once by the server's config
        // class, so it must be set before the first HttpServer is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Most bytes of an oversized body read (and dropped) to answer 413 cleanly. */
    private static final long DRAIN_LIMIT = 4L * EgressApi.MAX_BODY_BYTES;

    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final EgressVerifier verifier;
    private final EgressService service;
    private final LongSupplier clock;
    private final BooleanSupplier healthy;
    private final AtomicLong authRejected = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;

    public EgressHttpServer(String bindAddress, int port, int threads, EgressVerifier verifier,
                            EgressService service, LongSupplier epochMillis, BooleanSupplier healthy)
            throws IOException {
        this.verifier = verifier;
        this.service = service;
        this.clock = epochMillis;
        this.healthy = healthy;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 128);
        AtomicInteger n = new AtomicInteger();
        // Bounded: a burst beyond the queue runs on the accepting thread, which slows accepting
        // (back-pressure) instead of buffering without limit.
        pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), r -> {
            Thread t = new Thread(r, "egress-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(pool);
        server.createContext(EgressApi.PATH, this::egress);
        server.createContext(EgressApi.HEALTH_PATH, this::health);
        server.createContext("/", ex -> respond(ex, 404, json("{\"Error\":\"NotFound\"}")));
    }

    public void start() {
        server.start();
        LOG.info("egress-api-started", "address", address().getAddress().getHostAddress(), "port", address().getPort());
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    public long authRejected() {
        return authRejected.get();
    }

    /**
     * Refuses new requests (503), waits up to {@code drain} for requests in progress to finish
     * (they wait for their own datagrams), then closes the server. The JDK server's own
     * {@code stop(delay)} would also wait out idle keep-alive connections, so in-flight requests
     * are counted here instead.
     */
    public void stop(Duration drain) {
        closing = true;
        long deadline = System.nanoTime() + drain.toNanos();
        try {
            while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        pool.shutdown();
        try {
            pool.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void health(HttpExchange ex) throws IOException {
        if (!"GET".equals(ex.getRequestMethod()) || !EgressApi.HEALTH_PATH.equals(ex.getRequestURI().getPath())) {
            respond(ex, 404, json("{\"Error\":\"NotFound\"}"));
            return;
        }
        boolean ok = healthy.getAsBoolean();
        respond(ex, ok ? 200 : 503, json(ok ? "{\"Status\":\"Ok\"}" : "{\"Status\":\"Unhealthy\"}"));
    }

    private void egress(HttpExchange ex) throws IOException {
        // Count first, then look at the flag: stop() sets the flag first, then waits for the
        // count, so no request can slip in unseen.
        inFlight.incrementAndGet();
        try {
            if (closing) {
                respond(ex, 503, json("{\"Error\":\"ShuttingDown\"}"));
                return;
            }
            if (!EgressApi.PATH.equals(ex.getRequestURI().getPath())) {
                respond(ex, 404, json("{\"Error\":\"NotFound\"}"));
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "POST");
                respond(ex, 405, json("{\"Error\":\"MethodNotAllowed\"}"));
                return;
            }
            byte[] body = readBounded(ex);
            if (body == null) {
                respond(ex, 413, json("{\"Error\":\"TooLarge\"}"));
                return;
            }
            Headers h = ex.getRequestHeaders();
            Verdict v = verifier.verify(h.getFirst(EgressApi.HEADER_TIMESTAMP), h.getFirst(EgressApi.HEADER_NONCE),
                    h.getFirst(EgressApi.HEADER_SIGNATURE), body, clock.getAsLong());
            if (!v.ok()) {
                authRejected.incrementAndGet();
                LOG.warn("egress-request-rejected", "verdict", v.name(),
                        "remote", ex.getRemoteAddress().getAddress().getHostAddress());
                if (v == Verdict.ReplayCacheFull) {
                    ex.getResponseHeaders().set("Retry-After", "1");
                    respond(ex, 503, json("{\"Error\":\"Busy\"}"));
                } else {
                    respond(ex, 401, UNAUTHORIZED);
                }
                return;
            }
            EgressRequest request;
            try {
                request = EgressJson.readRequest(body);
            } catch (IOException e) {
                respond(ex, 400, json("{\"Error\":\"MalformedRequest\"}"));
                return;
            }
            EgressResponse response;
            try {
                response = service.send(request);
            } catch (EgressService.UnknownListenerException e) {
                respond(ex, 404, json("{\"Error\":\"UnknownListener\"}"));
                return;
            }
            respond(ex, 200, EgressJson.writeResponse(response));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(ex, 503, json("{\"Error\":\"ShuttingDown\"}"));
        } catch (RuntimeException e) {
            LOG.error("egress-request-failed", e);
            respond(ex, 500, json("{\"Error\":\"Internal\"}"));
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * Reads the body, or returns null when it exceeds the limit. An oversized body is read and
     * discarded up to {@link #DRAIN_LIMIT} so that the client, still sending, receives the 413
     * instead of a connection reset; beyond that the connection is simply closed.
     */
    private static byte[] readBounded(HttpExchange ex) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            if (length > EgressApi.MAX_BODY_BYTES) {
                if (length <= DRAIN_LIMIT) drain(in);
                return null;
            }
            byte[] body = in.readNBytes(EgressApi.MAX_BODY_BYTES + 1);
            if (body.length > EgressApi.MAX_BODY_BYTES) {
                drain(in);
                return null;
            }
            return body;
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] sink = new byte[16_384];
        long left = DRAIN_LIMIT;
        int n;
        while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) left -= n;
    }

    private static void respond(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", EgressApi.CONTENT_TYPE);
        if (status == 413 || status >= 500) {
            // The rest of an oversized body is not read: do not try to reuse the connection.
            ex.getResponseHeaders().set("Connection", "close");
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
