package com.proxylity.packetsource.local.sns;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local SNS endpoint on 127.0.0.1 serving Publish and PublishBatch in the AWS Query protocol,
 * so unmodified publishing code works with only an endpoint override. Any credentials are
 * accepted (the signature is not checked: this endpoint exists only on loopback).
 */
public final class LocalSnsServer implements AutoCloseable {
    /** Bounds a request body: a 256 KiB message form-encodes to at most ~3x, times 10 entries is far beyond SNS. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private final HttpServer http;
    private final ExecutorService executor;
    private final TopicFanout fanout;

    private LocalSnsServer(HttpServer http, ExecutorService executor, TopicFanout fanout) {
        this.http = http;
        this.executor = executor;
        this.fanout = fanout;
    }

    public static LocalSnsServer start(int port, TopicFanout fanout) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "local-sns");
            t.setDaemon(true);
            return t;
        });
        LocalSnsServer server = new LocalSnsServer(http, executor, fanout);
        http.createContext("/", server::handle);
        http.setExecutor(executor);
        http.start();
        fanout.endpointBase(server.endpoint().toString());
        return server;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
        String requestId = UUID.randomUUID().toString();
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                respond(ex, 405, SnsXml.error(new SnsException(405, "InvalidAction", "Use POST"), requestId));
                return;
            }
            byte[] body = readBounded(ex.getRequestBody());
            if (body == null) {
                respond(ex, 413, SnsXml.error(new SnsException(413, "RequestEntityTooLarge", "Request too large"), requestId));
                return;
            }
            QueryRequest q = QueryRequest.parse(new String(body, StandardCharsets.UTF_8));
            try {
                respond(ex, 200, dispatch(q, requestId));
            } catch (SnsException e) {
                respond(ex, e.status(), SnsXml.error(e, requestId));
            } catch (RuntimeException e) {
                respond(ex, 500, SnsXml.error(new SnsException(500, "InternalError", "internal error"), requestId));
            }
        }
    }

    private String dispatch(QueryRequest q, String requestId) throws SnsException {
        switch (q.action()) {
            case "Publish": {
                String topic = q.topicArn();
                fanout.requireTopic(topic);
                var r = fanout.publish(topic, List.of(q.publishEntry()));
                return SnsXml.publish(r.get(0).messageId(), requestId);
            }
            case "PublishBatch": {
                String topic = q.topicArn();
                fanout.requireTopic(topic);
                var entries = q.batchEntries();
                var r = fanout.publish(topic, entries);
                List<String> ids = new ArrayList<>();
                List<String> messageIds = new ArrayList<>();
                for (int i = 0; i < entries.size(); i++) {
                    ids.add(entries.get(i).id());
                    messageIds.add(r.get(i).messageId());
                }
                return SnsXml.publishBatch(ids, messageIds, requestId);
            }
            default:
                throw new SnsException(400, "InvalidAction",
                        "The action " + q.action() + " is not valid for this endpoint (local mode serves Publish and PublishBatch).");
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        byte[] data = in.readNBytes(MAX_BODY_BYTES + 1);
        return data.length > MAX_BODY_BYTES ? null : data;
    }

    private static void respond(HttpExchange ex, int status, String xml) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/xml");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
