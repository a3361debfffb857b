package com.proxylity.packetsource.local.sns;

import com.proxylity.packetsource.local.iam.LocalIam;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.time.Clock;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;
import java.net.URLDecoder;

/**
 * A local SNS endpoint on 127.0.0.1 serving Publish and PublishBatch in the AWS Query protocol
 * (what SDK v2 2.40.x and the AWS CLI send) and in AWS JSON 1.0 (for SDKs that send SNS as
 * JSON), so unmodified publishing code works with only an endpoint override. Any credentials are
 * accepted (the signature is not checked: this endpoint exists only on loopback). HTTP is
 * {@link SnsHttpTransport} (non-blocking reads with deadlines, so slow clients delay no one).
 */
public final class LocalSnsServer implements AutoCloseable {
    /** Bounds a request body: a 256 KiB message form-encodes to at most ~3x, times 10 entries is far beyond SNS. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    /** Local mode only: {@code <path>/<topic ARN>} answers the regions of the delivery queues subscribed to it, as a JSON array. */
    public static final String REGIONS_PATH = "/packet-source/regions";

    private final TopicFanout fanout;
    private final SubscriptionActions subscriptions;
    private final OutcomeTopics outcomeTopics;
    private SnsHttpTransport http;

    private LocalSnsServer(TopicFanout fanout, LocalIam iam, OutcomeTopics outcomeTopics) {
        this.fanout = fanout;
        this.subscriptions = new SubscriptionActions(fanout, iam);
        this.outcomeTopics = outcomeTopics;
    }

    /** Without roles: Publish and PublishBatch for anyone, subscription management for no one. */
    public static LocalSnsServer start(int port, TopicFanout fanout) throws IOException {
        return start(port, fanout, new LocalIam(List.of(), Clock.systemUTC()));
    }

    /** @param iam the roles allowed to manage subscriptions (sessions issued by the local STS) */
    public static LocalSnsServer start(int port, TopicFanout fanout, LocalIam iam) throws IOException {
        return start(port, fanout, iam, OutcomeTopics.none());
    }

    /** @param outcomeTopics customers' outcome topics: Publish by the outcome publisher only, kept rather than fanned out */
    public static LocalSnsServer start(int port, TopicFanout fanout, LocalIam iam, OutcomeTopics outcomeTopics) throws IOException {
        LocalSnsServer server = new LocalSnsServer(fanout, iam, outcomeTopics);
        server.http = new SnsHttpTransport(port, MAX_BODY_BYTES, 4, server::handle, LocalSnsServer::refusal);
        fanout.endpointBase(server.endpoint().toString());
        fanout.signingKey().bind(server.endpoint());
        return server;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + http.port());
    }

    /** Connections open now (tests, diagnostics). */
    int openConnections() {
        return http.openConnections();
    }

    private SnsHttpTransport.Answer handle(String method, String path, Function<String, String> header, byte[] body) {
        String requestId = UUID.randomUUID().toString();
        if ("GET".equals(method) && LocalSigningKey.CERT_PATH.equals(path)) {
            // As SNS serves its SigningCertURL: the certificate alone, as PEM.
            return new SnsHttpTransport.Answer(200, "application/x-pem-file", fanout.signingKey().pem(), Map.of());
        }
        if ("GET".equals(method) && path.startsWith(REGIONS_PATH + "/")) {
            // Not an SNS API: lets 'packet-source publish' warn about an EgressRegion no queue serves,
            // which on AWS it learns from ListSubscriptionsByTopic (the topic owner may call it).
            String topic = URLDecoder.decode(path.substring(REGIONS_PATH.length() + 1), StandardCharsets.UTF_8);
            try {
                fanout.requireTopic(topic);
            } catch (SnsException e) {
                return new SnsHttpTransport.Answer(404, "application/json", "[]", Map.of());
            }
            var list = new ObjectMapper().createArrayNode();
            new TreeSet<>(fanout.subscriptions(topic).stream().map(Subscription::region).toList()).forEach(list::add);
            return new SnsHttpTransport.Answer(200, "application/json", list.toString(), Map.of());
        }
        if (!"POST".equals(method)) {
            return xml(405, SnsXml.error(new SnsException(405, "InvalidAction", "Use POST"), requestId));
        }
        String target = header.apply("X-Amz-Target");
        boolean json = JsonProtocol.applies(header.apply("Content-Type"), target);
        try {
            QueryRequest q = json ? JsonProtocol.toQuery(target, body)
                    : QueryRequest.parse(new String(body, StandardCharsets.UTF_8));
            String caller = LocalIam.accessKeyId(header.apply("Authorization")).orElse(null);
            String text = dispatch(q, requestId, json, caller);
            return json ? new SnsHttpTransport.Answer(200, JsonProtocol.CONTENT_TYPE, text, Map.of()) : xml(200, text);
        } catch (SnsException e) {
            return error(e, requestId, json);
        } catch (RuntimeException e) {
            return error(new SnsException(500, "InternalError", "internal error"), requestId, json);
        }
    }

    private static SnsHttpTransport.Answer error(SnsException e, String requestId, boolean json) {
        if (!json) return xml(e.status(), SnsXml.error(e, requestId));
        return new SnsHttpTransport.Answer(e.status(), JsonProtocol.CONTENT_TYPE, JsonProtocol.error(e),
                Map.of("x-amzn-query-error", e.code() + ";" + e.faultType()));
    }

    private static SnsHttpTransport.Answer refusal(int status, String code, String message) {
        return xml(status, SnsXml.error(new SnsException(status, code, message), UUID.randomUUID().toString()));
    }

    private static SnsHttpTransport.Answer xml(int status, String text) {
        return new SnsHttpTransport.Answer(status, "text/xml", text, Map.of());
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
                if (outcomeTopics.handles(topic)) {
                    String id = outcomeTopics.publish(topic, caller, q.publishEntry());
                    return json ? JsonProtocol.publish(id) : SnsXml.publish(id, requestId);
                }
                var r = fanout.publish(topic, List.of(q.publishEntry()));
                return json ? JsonProtocol.publish(r.get(0).messageId()) : SnsXml.publish(r.get(0).messageId(), requestId);
            }
            case "PublishBatch": {
                String topic = q.topicArn();
                fanout.requireTopic(topic);
                if (outcomeTopics.handles(topic)) {
                    throw new SnsException(400, "InvalidAction", "local outcome topics take Publish only");
                }
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

    @Override
    public void close() {
        http.close();
    }
}
