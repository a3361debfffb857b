package com.proxylity.packetsource.functions.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the pre-signed S3 ResponseURL: accepts the handler's HTTP PUT on 127.0.0.1 and
 * keeps the body as it arrived, so tests read exactly what CloudFormation would.
 */
public final class ResponseUrlServer implements AutoCloseable {
    public record Put(String path, byte[] body) {}

    private final HttpServer server;
    private final BlockingQueue<Put> puts = new LinkedBlockingQueue<>();

    public ResponseUrlServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                byte[] body = ex.getRequestBody().readNBytes(1 << 20);
                if ("PUT".equals(ex.getRequestMethod())) puts.add(new Put(ex.getRequestURI().toString(), body));
                ex.sendResponseHeaders("PUT".equals(ex.getRequestMethod()) ? 200 : 405, -1);
            }
        });
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next PUT, waiting at most 10 s (the handler sends before it returns, so this never waits in practice). */
    public Put next() throws InterruptedException {
        Put p = puts.poll(10, TimeUnit.SECONDS);
        if (p == null) throw new AssertionError("no response was PUT to the ResponseURL");
        return p;
    }

    /** The next PUT within the time given, or null: for checking that nothing was sent. */
    public Put poll(long time, TimeUnit unit) throws InterruptedException {
        return puts.poll(time, unit);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
