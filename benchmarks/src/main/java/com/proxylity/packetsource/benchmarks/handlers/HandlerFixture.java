package com.proxylity.packetsource.benchmarks.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.functions.Egress;
import com.proxylity.packetsource.functions.LookupSessions;
import com.proxylity.packetsource.functions.ReportFailures;
import com.proxylity.packetsource.functions.Validate;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.core.pipeline.RateLimiter;
import com.proxylity.packetsource.functions.state.StageHandler;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.proxylity.packetsource.benchmarks.BenchSigning;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four Task-state handlers built with their injected parts, as local mode builds them, and the
 * exact state input each one receives in AWS for one Pipe batch of 10 SQS records with N entries
 * each (100-byte base64 payloads, plain UDP): each input is the previous handler's JSON output
 * reduced by that state's {@code ResultSelector} / {@code InputPath} in
 * {@code statemachines/packet-source.asl.json}.
 *
 * <p>Stand-ins, by design: the registry and the session directory are in memory (in AWS they are
 * DynamoDB reads, whose latency the budget in docs/latency.md takes from AWS's figures; the
 * registry is cached per warm handler there too). The egress target is real: the caller passes
 * the base URL of a running sender whose Listener sends to a loopback sink.
 */
public final class HandlerFixture {
    public static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:bench";
    public static final String REGION = "us-east-1";
    public static final int RECORDS = 10;
    public static final int PAYLOAD_BYTES = 100;
    public static final List<String> STATES =
            List.of("Validate", "LookupSessions", "Egress", "ReportFailures");
    private static final ObjectMapper JSON = new ObjectMapper();

    private HandlerFixture() {}

    /**
     * The handlers, as local mode constructs them. The state budget is that of Pipe batch size 1
     * so that the 100-entry case is not one TooLarge per message (see docs/latency.md: at batch
     * size 10 such a batch cannot run in one execution at all; it is measured for the per-entry
     * cost).
     */
    public static Map<String, StageHandler<?, ?>> handlers(Listener listener, byte[] hmacKey, PipelineMetrics metrics) {
        Map<String, StageHandler<?, ?>> h = new LinkedHashMap<>();
        for (String state : STATES) h.put(state, handler(state, listener, hmacKey, metrics));
        return h;
    }

    /** One handler alone (a cold start builds only its own function's classes). */
    public static StageHandler<?, ?> handler(String state, Listener listener, byte[] hmacKey, PipelineMetrics metrics) {
        Clock clock = Clock.systemUTC();
        InMemoryRegistry registry = new InMemoryRegistry().put(listener)
                .put(new PacketSource(TOPIC, listener.name(), true, null, 0, 0));
        switch (state) {
            case "Validate":
                return new Validate(registry, REGION, clock, (t, k) -> { }, RateLimiter.UNLIMITED, new StateBudget(1),
                        DefaultEgressPolicy.localMode(), metrics, BenchSigning.verifier());
            case "LookupSessions":
                return new LookupSessions(new InMemorySessionDirectory(), registry, clock, metrics);
            case "Egress":
                return new Egress(new HttpEgressTransport(hmacKey, clock, Duration.ofSeconds(5)), clock, metrics);
            case "ReportFailures":
                return new ReportFailures(metrics);
            default:
                throw new IllegalArgumentException("no Task state " + state);
        }
    }

    /** The Listener the sender owns: plain UDP, egress API at {@code senderBaseUrl}. */
    public static Listener listener(int port, String senderBaseUrl) {
        return new Listener("udp", ListenerType.UDP, port, List.of("127.0.0.1"), null, senderBaseUrl);
    }

    /** The Pipe's state input: 10 SQS records as EventBridge Pipes hands them to Step Functions. */
    public static byte[] pipeBatch(int entriesPerRecord, int sinkPort, Instant published) throws Exception {
        byte[] payload = new byte[PAYLOAD_BYTES];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) i;
        String data = Base64.getEncoder().encodeToString(payload);
        ArrayNode records = JSON.createArrayNode();
        for (int r = 0; r < RECORDS; r++) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode messages = body.putArray("Messages");
            for (int e = 0; e < entriesPerRecord; e++) {
                ObjectNode entry = messages.addObject().put("Data", data).put("Formatter", "base64");
                entry.putObject("Remote").put("Address", "127.0.0.1").put("Port", sinkPort).putNull("PeerKey");
                entry.putNull("Inner");
            }
            String messageId = String.format("6f1c2d3e-0000-4000-8000-%012d", r);
            ObjectNode env = JSON.createObjectNode().put("Type", "Notification").put("MessageId", messageId)
                    .put("TopicArn", TOPIC).put("Message", JSON.writeValueAsString(body))
                    .put("Timestamp", published.toString())
                    .put("UnsubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
                            + TOPIC + ":" + "0".repeat(36));
            env.putObject("MessageAttributes").putObject("EgressRegion").put("Type", "String").put("Value", REGION);
            BenchSigning.sign(env);
            ObjectNode rec = records.addObject().put("messageId", "sqs-" + r)
                    .put("receiptHandle", "AQEB" + "x".repeat(180)).put("body", JSON.writeValueAsString(env));
            rec.putObject("attributes").put("ApproximateReceiveCount", "1")
                    .put("SentTimestamp", Long.toString(published.toEpochMilli()))
                    .put("SenderId", "AIDAIENQZJOLO23YVJ4VO")
                    .put("ApproximateFirstReceiveTimestamp", Long.toString(published.toEpochMilli()));
            rec.putObject("messageAttributes");
            rec.put("md5OfBody", "0".repeat(32)).put("eventSource", "aws:sqs")
                    .put("eventSourceARN", "arn:aws:sqs:us-east-1:111122223333:packet-source-delivery")
                    .put("awsRegion", REGION);
        }
        return JSON.writeValueAsBytes(records);
    }

    /**
     * Runs the handlers once in state-machine order and returns each state's input as the
     * state machine would pass it (Egress: the first batch; {@code "Egress.count"} is not a state
     * but the number of batches the Map runs, as text). Fails loudly if anything was discarded
     * or not sent, so a benchmark never measures a discard path by accident.
     */
    public static Map<String, byte[]> stateInputs(Map<String, StageHandler<?, ?>> h, byte[] pipeBatch, int expectedPackets)
            throws Exception {
        Map<String, byte[]> in = new LinkedHashMap<>();
        in.put("Validate", pipeBatch);
        JsonNode v = run(h, "Validate", pipeBatch);
        require(v.get("Packets").size() == expectedPackets && v.get("Discards").isEmpty(), "Validate", v);
        byte[] l = select(v, "Packets", "PublishedAt", "Redelivered", "Sources");
        in.put("LookupSessions", l);
        JsonNode bo = run(h, "LookupSessions", l);
        require(bo.get("Discards").isEmpty(), "LookupSessions", bo);
        ArrayNode results = JSON.createArrayNode();
        int sent = 0;
        for (JsonNode batch : bo.get("Batches")) {
            byte[] e = JSON.writeValueAsBytes(batch);
            if (!in.containsKey("Egress")) in.put("Egress", e);
            JsonNode eo = run(h, "Egress", e);
            sent += eo.get("Sent").size();
            results.addObject().set("Failed", eo.get("Failed"));
        }
        require(sent == expectedPackets, "Egress", bo);
        in.put("Egress.count", Integer.toString(bo.get("Batches").size()).getBytes(StandardCharsets.US_ASCII));
        byte[] r = JSON.writeValueAsBytes(results);
        in.put("ReportFailures", r);
        JsonNode ro = run(h, "ReportFailures", r);
        require(ro.get("batchItemFailures").isEmpty(), "ReportFailures", ro);
        return in;
    }

    /** A bare Jackson parse of the Pipe batch: the array, each SNS envelope, each message body. */
    public static int referenceParse(ObjectMapper mapper, byte[] pipeBatch) throws Exception {
        int n = 0;
        for (JsonNode rec : mapper.readTree(pipeBatch)) {
            JsonNode env = mapper.readTree(rec.get("body").textValue());
            n += mapper.readTree(env.get("Message").textValue()).get("Messages").size();
        }
        return n;
    }

    private static JsonNode run(Map<String, StageHandler<?, ?>> h, String state, byte[] input) throws Exception {
        return JSON.readTree(h.get(state).handleJson(input));
    }

    private static byte[] select(JsonNode out, String... fields) throws Exception {
        ObjectNode kept = JSON.createObjectNode();
        for (String f : fields) kept.set(f, out.get(f));
        return JSON.writeValueAsBytes(kept);
    }

    private static void require(boolean ok, String state, JsonNode out) {
        if (!ok) {
            String text = out.toString();
            throw new IllegalStateException(state + " did not pass every packet on: "
                    + text.substring(0, Math.min(600, text.length())));
        }
    }
}
