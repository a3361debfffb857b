package com.proxylity.packetsource.local.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.net.BindException;

/**
 * The JDK HTTP server on 127.0.0.1 with a small pool of daemon threads, for local mode's
 * low-traffic control endpoints (STS, the resource provider). Loopback only, never exposed; the
 * SNS endpoint that publishers hit has its own non-blocking transport.
 */
public final class LoopbackHttpServer implements AutoCloseable {
    private final HttpServer http;
    private final ExecutorService executor;

    private LoopbackHttpServer(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /** Serves every path with {@code handler} on {@code threads} daemon threads named {@code name}. */
    public static LoopbackHttpServer start(int port, String name, int threads, HttpHandler handler) throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (BindException e) {
            throw (IOException) new BindException("cannot bind the local " + name + " endpoint to 127.0.0.1:" + port
                    + ": " + e.getMessage() + " (its port in the config's ports; 0 picks a free one)").initCause(e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        http.createContext("/", handler);
        http.setExecutor(executor);
        http.start();
        return new LoopbackHttpServer(http, executor);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    /** Writes a complete answer; the caller closes the exchange. */
    public static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdown();
    }
}
