package com.proxylity.packetsource.local.sns;

import com.proxylity.packetsource.local.iam.LocalIam;
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
 * A local SNS endpoint on 127.0.0.1 serving Publish and PublishBatch in the AWS Query protocol
 * (what SDK v2 2.40.x and the AWS CLI send) and in AWS JSON 1.0 (for SDKs that send SNS as
 * JSON), so unmodified publishing code works with only an endpoint override. Any credentials are
 * accepted (the signature is not checked: this endpoint exists only on loopback).
 */
public final class LocalSnsServer implements AutoCloseable {
    /** Bounds a request body: a 256 KiB message form-encodes to at most ~3x, times 10 entries is far beyond SNS. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private final HttpServer http;
    private final ExecutorService executor;
    private final TopicFanout fanout;
    private final SubscriptionActions subscriptions;

    private LocalSnsServer(HttpServer http, ExecutorService executor, TopicFanout fanout, LocalIam iam) {
        this.http = http;
        this.executor = executor;
        this.fanout = fanout;
        this.subscriptions = new SubscriptionActions(fanout, iam);
    }

    /** Without roles: Publish and PublishBatch for anyone, subscription management for no one. */
    public static LocalSnsServer start(int port, TopicFanout fanout) throws IOException {
        return start(port, fanout, new LocalIam(List.of(), java.time.Clock.systemUTC()));
    }

    /** @param iam the roles allowed to manage subscriptions (sessions issued by the local STS) */
    public static LocalSnsServer start(int port, TopicFanout fanout, LocalIam iam) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "local-sns");
            t.setDaemon(true);
            return t;
        });
        LocalSnsServer server = new LocalSnsServer(http, executor, fanout, iam);
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
                respond(ex, 405, SnsXml.error(new SnsException(405, "InvalidAction", "Use POST"), requestId), false);
                return;
            }
            byte[] body = readBounded(ex.getRequestBody());
            if (body == null) {
                respond(ex, 413, SnsXml.error(new SnsException(413, "RequestEntityTooLarge", "Request too large"), requestId), false);
                return;
            }
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            boolean json = JsonProtocol.applies(ex.getRequestHeaders().getFirst("Content-Type"), target);
            try {
                QueryRequest q = json ? JsonProtocol.toQuery(target, body)
                        : QueryRequest.parse(new String(body, StandardCharsets.UTF_8));
                String caller = LocalIam.accessKeyId(ex.getRequestHeaders().getFirst("Authorization")).orElse(null);
                respond(ex, 200, dispatch(q, requestId, json, caller), json);
            } catch (SnsException e) {
                respondError(ex, e, requestId, json);
            } catch (RuntimeException e) {
                respondError(ex, new SnsException(500, "InternalError", "internal error"), requestId, json);
            }
        }
    }

    private static void respondError(HttpExchange ex, SnsException e, String requestId, boolean json) throws IOException {
        if (json) ex.getResponseHeaders().set("x-amzn-query-error", e.code() + ";" + e.faultType());
        respond(ex, e.status(), json ? JsonProtocol.error(e) : SnsXml.error(e, requestId), json);
    }

    private String dispatch(QueryRequest q, String requestId, boolean json, String caller) throws SnsException {
        if (SubscriptionActions.handles(q.action())) {
            if (json) throw new SnsException(400, "InvalidAction", "local mode serves " + q.action() + " in the AWS Query protocol only");
            return subscriptions.dispatch(q, caller, requestId);
        }
        switch (q.action()) {
            case "Publish": {
                String topic = q.topicArn();
                fanout.requireTopic(topic);
                var r = fanout.publish(topic, List.of(q.publishEntry()));
                return json ? JsonProtocol.publish(r.get(0).messageId()) : SnsXml.publish(r.get(0).messageId(), requestId);
            }
            case "PublishBatch": {
                String topic = q.topicArn();
                fanout.requireTopic(topic);
                var batch = q.batchEntries();
                var entries = batch.entries();
                var r = entries.isEmpty() ? List.<TopicFanout.Published>of() : fanout.publish(topic, entries);
                List<String> ids = new ArrayList<>();
                List<String> messageIds = new ArrayList<>();
                for (int i = 0; i < entries.size(); i++) {
                    ids.add(entries.get(i).id());
                    messageIds.add(r.get(i).messageId());
                }
                return json ? JsonProtocol.publishBatch(ids, messageIds, batch.failed())
                        : SnsXml.publishBatch(ids, messageIds, batch.failed(), requestId);
            }
            default:
                throw new SnsException(400, "InvalidAction",
                        "The action " + q.action() + " is not valid for this endpoint (local mode serves Publish, PublishBatch,"
                                + " Subscribe, Unsubscribe, ListSubscriptionsByTopic and ConfirmSubscription).");
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        byte[] data = in.readNBytes(MAX_BODY_BYTES + 1);
        return data.length > MAX_BODY_BYTES ? null : data;
    }

    private static void respond(HttpExchange ex, int status, String text, boolean json) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", json ? JsonProtocol.CONTENT_TYPE : "text/xml");
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
