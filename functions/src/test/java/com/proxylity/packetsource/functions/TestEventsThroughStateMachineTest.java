package com.proxylity.packetsource.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.contract.SnsEnvelope;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.core.testevents.TestEvents;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.functions.state.StateJson;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.core.pipeline.RateLimiter;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.proxylity.packetsource.functions.testing.LambdaInvokeEndpoint;
import com.proxylity.packetsource.functions.testing.LocalStepFunctions;
import com.proxylity.packetsource.functions.testing.StandInEgressApi;
import com.proxylity.packetsource.core.testevents.TestSigning;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Every file in test-events/ through the state machine (aws-local-stepfunctions, real handlers on a
 * loopback Lambda endpoint, signed egress to {@link StandInEgressApi}), checked entry by entry
 * against test-events/expected.json: Sent with exactly the manifest's bytes as the sender received
 * them, or Discarded with the manifest's reason, and no batchItemFailures.
 *
 * <p>The egress target is the loopback stand-in, not the real sender, because the events address
 * documentation ranges (203.0.113.0/24...) that the real sender would try to reach;
 * {@link RealSenderEndToEndTest} covers the real sender with loopback remotes. Validate runs with
 * the state budget of a Pipe batch size of 1: bad-TooLarge.json carries an 87 KB UDP payload,
 * which in the deployed configuration (batch size 10, queue MaximumMessageSize 12 KiB; see
 * docs/pipeline.md) never reaches the state machine.
 */
class TestEventsThroughStateMachineTest {
    static final Clock NOW = Clock.fixed(Instant.parse("2026-11-25T08:01:00Z"), ZoneOffset.UTC);

    @Test
    void everyTestEventEndsAsTheManifestSays() throws Exception {
        TestEvents events = TestEvents.load();
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 3);
        List<String> confirmedTopics = new CopyOnWriteArrayList<>();
        PipelineMetrics metrics = Environment.pipelineMetrics();
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             StandInEgressApi sender = new StandInEgressApi(key, (InetSocketAddress) receiver.getLocalSocketAddress())) {
            Registry registry = withEndpoint(events.registry(), events, sender.endpoint());
            InMemorySessionDirectory sessions = new InMemorySessionDirectory();
            seedSessions(events, registry, sessions);
            try (LambdaInvokeEndpoint endpoint = new LambdaInvokeEndpoint()) {
                endpoint.register("Validate", new Validate(registry, events.region(), NOW,
                                (topic, token) -> confirmedTopics.add(topic), RateLimiter.UNLIMITED,
                                new StateBudget(1), DefaultEgressPolicy.standard(), metrics, TestSigning.get().verifier()))
                        .register("LookupSessions", new LookupSessions(sessions, registry, NOW, metrics))
                        .register("Egress", new Egress(new HttpEgressTransport(key, Clock.systemUTC(),
                                Duration.ofSeconds(5)), Clock.systemUTC(), metrics))
                        .register("ReportFailures", new ReportFailures(metrics));

                Map<String, JsonNode> inputs = new LinkedHashMap<>();
                for (String file : events.files()) inputs.put(file, pipeInput(events, file));
                Map<String, LocalStepFunctions.Execution> runs = new LocalStepFunctions(endpoint.uri()).run(inputs);

                Map<String, String> reasons = new TreeMap<>();
                for (LambdaInvokeEndpoint.Invocation i : endpoint.invocations()) {
                    assertEquals(null, i.errorType(), () -> i.function() + " failed: " + i.output());
                    for (JsonNode d : i.output().path("Discards")) reasons.put(d.get("Id").asText(), d.get("Reason").asText());
                }
                Map<String, byte[]> sent = sender.payloads();
                int controls = 0;
                int checked = 0;
                for (String file : events.files()) {
                    LocalStepFunctions.Execution run = runs.get(file);
                    assertTrue(run.ok(), () -> file + ": " + run.error() + " " + run.cause());
                    assertEquals(0, run.output().get("batchItemFailures").size(), file + ": discards are not failures");
                    for (Map.Entry<String, JsonNode> e : events.expected(file).entrySet()) {
                        String id = e.getKey();
                        JsonNode want = e.getValue();
                        String where = file + " " + id;
                        switch (want.get("Outcome").asText()) {
                            case "Sent" -> {
                                byte[] got = sent.get(id);
                                assertTrue(got != null, where + " was not delivered; got " + reasons.get(id));
                                if (want.has("PayloadHex")) {
                                    assertEquals(want.get("PayloadHex").asText(), HexFormat.of().formatHex(got), where);
                                } else {
                                    assertEquals(want.get("PayloadLength").asInt(), got.length, where);
                                    assertEquals(want.get("PayloadSha256").asText(),
                                            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(got)), where);
                                }
                            }
                            case "Discarded" -> {
                                assertEquals(want.get("Reason").asText(), reasons.get(id), where);
                                assertTrue(!sent.containsKey(id), where + " was discarded and must not be sent");
                            }
                            case "Control" -> controls++;
                            default -> throw new AssertionError("unknown outcome in manifest: " + want);
                        }
                        checked++;
                    }
                }
                assertTrue(checked > 50, "the manifest was read: " + checked + " outcomes");
                assertEquals(controls, confirmedTopics.size(), "each registered SubscriptionConfirmation confirmed once");
                assertEquals(Set.copyOf(sent.keySet()).size(), sent.size());
            }
        }
    }

    /** The Pipe's input for one file: the SQS records array (files may wrap it as {"Records": [...]}). */
    static JsonNode pipeInput(TestEvents events, String file) throws Exception {
        JsonNode root = StateJson.MAPPER.readTree(events.path(file).toFile());
        return root.isArray() ? root : root.get("Records");
    }

    static Registry withEndpoint(InMemoryRegistry base, TestEvents events, String endpoint) {
        InMemoryRegistry r = new InMemoryRegistry();
        for (JsonNode l : events.manifest().path("registry").path("listeners")) {
            Listener old = base.listener(l.get("Name").asText()).orElseThrow();
            r.put(new Listener(old.name(), old.type(), old.port(), old.publicAddresses(), old.publicKey(), endpoint,
                    old.families()));
        }
        for (JsonNode s : events.manifest().path("registry").path("sources")) {
            Optional<PacketSource> ps = base.packetSource(s.get("TopicArn").asText());
            ps.ifPresent(r::put);
        }
        return r;
    }

    /** A live session on every WireGuard Listener for every PeerKey the events name ("still need a live session"). */
    static void seedSessions(TestEvents events, Registry registry, InMemorySessionDirectory sessions) throws Exception {
        List<String> keys = new ArrayList<>();
        for (String file : events.files()) {
            for (SqsRecord r : events.records(file)) {
                JsonNode msg;
                try {
                    msg = StateJson.MAPPER.readTree(SnsEnvelope.parse(r.body()).message());
                } catch (Exception unreadable) {
                    continue;
                }
                for (JsonNode e : msg.path("Messages")) {
                    JsonNode k = e.path("Remote").path("PeerKey");
                    if (!k.isTextual()) continue;
                    try {
                        keys.add(Base64.getEncoder().encodeToString(Base64.getDecoder().decode(k.asText())));
                    } catch (IllegalArgumentException bad) {
                        // a malformed key is the test's point: no session for it
                    }
                }
            }
        }
        Instant now = NOW.instant();
        for (JsonNode l : events.manifest().path("registry").path("listeners")) {
            Listener listener = registry.listener(l.get("Name").asText()).orElseThrow();
            if (!listener.type().isWireGuard()) continue;
            for (String k : keys) {
                sessions.put(new SessionRecord(listener.name(), k, "127.0.0.1:51820", "sender-1", now, now.plusSeconds(180)));
            }
        }
    }
}
