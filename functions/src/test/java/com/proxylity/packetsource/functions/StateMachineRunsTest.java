package com.proxylity.packetsource.functions;

import static com.proxylity.packetsource.functions.testing.SqsEvents.batch;
import static com.proxylity.packetsource.functions.testing.SqsEvents.body;
import static com.proxylity.packetsource.functions.testing.SqsEvents.entry;
import static com.proxylity.packetsource.functions.testing.SqsEvents.notification;
import static com.proxylity.packetsource.functions.testing.SqsEvents.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.functions.testing.LambdaInvokeEndpoint;
import com.proxylity.packetsource.functions.testing.LocalStepFunctions;
import com.proxylity.packetsource.functions.testing.PipelineFixture;
import com.proxylity.packetsource.functions.testing.SqsEvents;
import com.proxylity.packetsource.core.testevents.TestSigning;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The definition really runs: statemachines/packet-source.asl.json executed by an independent ASL
 * engine (aws-local-stepfunctions on Node 22), its Task states calling the real handlers through a
 * loopback Lambda Invoke endpoint, egress going to a loopback sender over the signed HTTP API.
 */
class StateMachineRunsTest {
    static PipelineFixture fx;
    static LocalStepFunctions sfn;

    @BeforeAll
    static void start() throws Exception {
        fx = new PipelineFixture(address -> true);
        sfn = new LocalStepFunctions(fx.endpoint.uri());
    }

    @AfterAll
    static void stop() {
        if (fx != null) fx.close();
    }

    @BeforeEach
    void clear() throws Exception {
        fx.endpoint.clear();
        fx.endpoint.register("Validate", fx.validate);
        fx.endpoint.register("LookupSessions", fx.lookupSessions);
        fx.sender.clear();
        fx.sender.start();
        fx.received(1000);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode inner(ObjectNode entry) {
        ObjectNode in = entry.putObject("Inner");
        in.put("SourceAddress", "10.0.0.1");
        in.put("SourcePort", 53);
        in.put("DestinationAddress", "10.0.0.2");
        in.put("DestinationPort", 12345);
        return entry;
    }

    /** Outcome per entry id as the handlers reported it: "Sent" or the discard reason. */
    static Map<String, String> outcomes(List<LambdaInvokeEndpoint.Invocation> invocations) {
        Map<String, String> out = new TreeMap<>();
        for (LambdaInvokeEndpoint.Invocation i : invocations) {
            if (i.errorType() != null) continue;
            for (JsonNode d : i.output().path("Discards")) out.put(d.get("Id").asText(), d.get("Reason").asText());
            for (JsonNode s : i.output().path("Sent")) out.put(s.asText(), "Sent");
        }
        return out;
    }

    static Set<String> failures(JsonNode output) {
        List<String> ids = new ArrayList<>();
        for (JsonNode f : output.get("batchItemFailures")) ids.add(f.get("itemIdentifier").asText());
        return Set.copyOf(ids);
    }

    @Test
    void mixedBatchEndsWithOneOutcomePerEntryAndNoFailures() throws Exception {
        Instant now = Instant.now();
        JsonNode batch = batch(
                record("m-udp", notification(PipelineFixture.TOPIC, "us-east-1", body(
                        entry(b64("hello"), null, "203.0.113.9", 5683, null),
                        entry("zz", "hex", "203.0.113.9", 5683, null),
                        entry("776f726c64", "hex", "2001:db8::7", 5683, null)), now)),
                record("m-unknown", notification(PipelineFixture.TOPIC_UNKNOWN, "us-east-1",
                        body(entry(b64("x"), null, "203.0.113.9", 1, null)), now)),
                record("m-disabled", notification(PipelineFixture.TOPIC_DISABLED, "us-east-1",
                        body(entry(b64("x"), null, "203.0.113.9", 1, null)), now)),
                record("m-region", notification(PipelineFixture.TOPIC, "eu-west-1",
                        body(entry(b64("x"), null, "203.0.113.9", 1, null)), now)),
                record("m-wg", notification(PipelineFixture.TOPIC_WG, "us-east-1", body(
                        inner(entry("to live peer", null, "203.0.113.10", 51820, PipelineFixture.PEER_LIVE)),
                        inner(entry("to expired peer", null, "203.0.113.10", 51820, PipelineFixture.PEER_EXPIRED)),
                        inner(entry("other listener's peer", null, "203.0.113.10", 51820,
                                PipelineFixture.PEER_OTHER_LISTENER)),
                        entry("no inner", null, "203.0.113.10", 51820, PipelineFixture.PEER_LIVE)), now)),
                record("m-sub", SqsEvents.subscriptionConfirmation(PipelineFixture.TOPIC, "tok-registered")),
                record("m-sub-unknown", SqsEvents.subscriptionConfirmation(PipelineFixture.TOPIC_UNKNOWN, "tok-x")));

        LocalStepFunctions.Execution ex = sfn.run(Map.of("mixed", batch)).get("mixed");

        assertTrue(ex.ok(), () -> "execution failed: " + ex.error() + " " + ex.cause());
        assertEquals(Set.of(), failures(ex.output()), "discards are not failures");
        Map<String, String> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("m-udp/0", "Sent"),
                Map.entry("m-udp/1", "DecodeError"),
                Map.entry("m-udp/2", "Sent"),
                Map.entry("m-unknown", "UnknownTopic"),
                Map.entry("m-disabled", "SourceDisabled"),
                Map.entry("m-region", "MalformedMessage"),
                Map.entry("m-wg/0", "Sent"),
                Map.entry("m-wg/1", "SessionExpired"),
                Map.entry("m-wg/2", "NoSession"),
                Map.entry("m-wg/3", "MissingInner"),
                Map.entry("m-sub-unknown", "UnknownTopic")));
        assertEquals(expected, outcomes(fx.endpoint.invocations()));

        Set<String> got = fx.received(10).stream().map(b -> new String(b, StandardCharsets.UTF_8))
                .collect(Collectors.toSet());
        assertEquals(Set.of("hello", "world"), got, "the UDP payloads reached the receiver");
        assertEquals(1, fx.confirmed.size(), "only the registered topic's subscription is confirmed");
        assertEquals(PipelineFixture.TOPIC, fx.confirmed.get(0)[0]);
        assertEquals("tok-registered", fx.confirmed.get(0)[1]);
    }

    @Test
    void senderDownFailsOnlyTheRecordsItCarriedThenTheyAreDeliveredWhenItIsBack() throws Exception {
        Instant now = Instant.now();
        JsonNode input = batch(
                record("r-1", notification(PipelineFixture.TOPIC, "us-east-1",
                        body(entry(b64("first"), null, "203.0.113.9", 5683, null)), now)),
                record("r-2", notification(PipelineFixture.TOPIC, "us-east-1",
                        body(entry(b64("second"), null, "203.0.113.9", 5683, null)), now)),
                record("r-bad", notification(PipelineFixture.TOPIC_UNKNOWN, "us-east-1",
                        body(entry(b64("x"), null, "203.0.113.9", 5683, null)), now)));

        fx.sender.stop();
        LocalStepFunctions.Execution down = sfn.run(Map.of("down", input)).get("down");
        assertTrue(down.ok(), () -> "a sender outage is reported per record, not as a failed execution: "
                + down.error() + " " + down.cause());
        assertEquals(Set.of("r-1", "r-2"), failures(down.output()),
                "the records whose packets were not handed over are retried; the discarded one is not");
        long egressAttempts = fx.endpoint.invocations().stream()
                .filter(i -> i.function().equals("Egress")).count();
        assertTrue(egressAttempts >= 3, "Egress was retried before giving up, attempts=" + egressAttempts);
        assertTrue(fx.endpoint.invocations().stream().filter(i -> i.function().equals("Egress"))
                .allMatch(i -> SenderUnavailableException.class.getName().equals(i.errorType())));
        assertEquals(List.of(), fx.received(10), "nothing was sent");

        fx.sender.start();
        fx.endpoint.clear();
        LocalStepFunctions.Execution back = sfn.run(Map.of("back", input)).get("back");
        assertTrue(back.ok());
        assertEquals(Set.of(), failures(back.output()));
        Set<String> got = fx.received(10).stream().map(b -> new String(b, StandardCharsets.UTF_8))
                .collect(Collectors.toSet());
        assertEquals(Set.of("first", "second"), got);
    }

    @Test
    void aRequestTheSenderRefusesIsNotRetriedButItsRecordsFail() throws Exception {
        fx.sender.forceStatus(413);
        JsonNode input = batch(record("x-1", notification(PipelineFixture.TOPIC, "us-east-1",
                body(entry(b64("refused"), null, "203.0.113.9", 5683, null)), Instant.now())));
        LocalStepFunctions.Execution ex = sfn.run(Map.of("x", input)).get("x");
        assertTrue(ex.ok(), () -> ex.error() + " " + ex.cause());
        assertEquals(Set.of("x-1"), failures(ex.output()), "SQS keeps it, and after maxReceiveCount the DLQ");
        List<LambdaInvokeEndpoint.Invocation> egress = fx.endpoint.invocations().stream()
                .filter(i -> i.function().equals("Egress")).toList();
        assertEquals(1, egress.size(), "a refusal is not retried within the execution");
        assertEquals(EgressRejectedException.class.getName(), egress.get(0).errorType());
    }

    @Test
    void aStageFailingBeforeEgressFailsTheExecutionSoThePipeRetriesEverything() throws Exception {
        fx.endpoint.register("Validate", new Validate(new com.proxylity.packetsource.core.registry.Registry() {
            public java.util.Optional<com.proxylity.packetsource.core.registry.PacketSource> packetSource(String t) {
                throw new com.proxylity.packetsource.core.registry.RegistryUnavailableException("DynamoDB unavailable", null);
            }
            public java.util.Optional<com.proxylity.packetsource.core.registry.Listener> listener(String n) {
                throw new com.proxylity.packetsource.core.registry.RegistryUnavailableException("DynamoDB unavailable", null);
            }
        }, "us-east-1", java.time.Clock.systemUTC(), (t, k) -> { },
                com.proxylity.packetsource.core.pipeline.RateLimiter.UNLIMITED,
                new com.proxylity.packetsource.core.pipeline.StateBudget(10), address -> true, fx.metrics, TestSigning.get().verifier()));
        JsonNode input = batch(record("v-1", notification(PipelineFixture.TOPIC, "us-east-1",
                body(entry(b64("x"), null, "203.0.113.9", 5683, null)), Instant.now())));
        LocalStepFunctions.Execution ex = sfn.run(Map.of("v", input)).get("v");
        assertTrue(!ex.ok(), "the execution fails");
        assertEquals("PacketSource.PipelineFailed", ex.error());
        long attempts = fx.endpoint.invocations().stream().filter(i -> i.function().equals("Validate")).count();
        assertEquals(3, attempts, "TransientException retried twice before the Catch");
        assertTrue(fx.endpoint.invocations().stream().noneMatch(i -> i.function().equals("Egress")));
    }

    /**
     * LookupSessions also addresses the egress batches from the registry (Batch's work before
     * the fold): a registry outage there is retried like a session directory outage (three
     * more attempts), then fails the execution before anything is sent.
     */
    @Test
    void aRegistryOutageWhileBatchingIsRetriedThenFailsTheExecution() throws Exception {
        fx.endpoint.register("LookupSessions", new LookupSessions(fx.sessions, new com.proxylity.packetsource.core.registry.Registry() {
            public java.util.Optional<com.proxylity.packetsource.core.registry.PacketSource> packetSource(String t) {
                throw new IllegalStateException("DynamoDB unavailable");
            }
            public java.util.Optional<com.proxylity.packetsource.core.registry.Listener> listener(String n) {
                throw new IllegalStateException("DynamoDB unavailable");
            }
        }, java.time.Clock.systemUTC(), fx.metrics));
        JsonNode input = batch(record("b-1", notification(PipelineFixture.TOPIC, "us-east-1",
                body(entry(b64("x"), null, "203.0.113.9", 5683, null)), Instant.now())));
        LocalStepFunctions.Execution ex = sfn.run(Map.of("b", input)).get("b");
        assertEquals("PacketSource.PipelineFailed", ex.error());
        List<LambdaInvokeEndpoint.Invocation> lookups = fx.endpoint.invocations().stream()
                .filter(i -> i.function().equals("LookupSessions")).toList();
        assertEquals(4, lookups.size(), "TransientException retried three times before the Catch");
        assertTrue(lookups.stream().allMatch(i -> TransientException.class.getName().equals(i.errorType())));
        assertTrue(fx.endpoint.invocations().stream().noneMatch(i -> i.function().equals("Egress")));
    }

    /** A Listener missing from the registry is a deployment problem: not retried, the execution fails. */
    @Test
    void aListenerMissingFromTheRegistryIsNotRetried() throws Exception {
        fx.endpoint.register("LookupSessions", new LookupSessions(fx.sessions,
                new com.proxylity.packetsource.core.registry.InMemoryRegistry(), java.time.Clock.systemUTC(), fx.metrics));
        JsonNode input = batch(record("n-1", notification(PipelineFixture.TOPIC, "us-east-1",
                body(entry(b64("x"), null, "203.0.113.9", 5683, null)), Instant.now())));
        LocalStepFunctions.Execution ex = sfn.run(Map.of("n", input)).get("n");
        assertEquals("PacketSource.PipelineFailed", ex.error());
        assertEquals(1, fx.endpoint.invocations().stream().filter(i -> i.function().equals("LookupSessions")).count());
        assertTrue(fx.endpoint.invocations().stream().noneMatch(i -> i.function().equals("Egress")));
    }

    @Test
    void aSenderSideDiscardIsAnOutcomeNotAFailure() throws Exception {
        fx.sender.discard("d-1/0");
        JsonNode input = batch(record("d-1", notification(PipelineFixture.TOPIC, "us-east-1",
                body(entry(b64("dropped by sender"), null, "203.0.113.9", 5683, null)), Instant.now())));
        LocalStepFunctions.Execution ex = sfn.run(Map.of("d", input)).get("d");
        assertTrue(ex.ok());
        assertEquals(Set.of(), failures(ex.output()));
        assertEquals(Map.of("d-1/0", "SendError"), outcomes(fx.endpoint.invocations()));
    }

    @Test
    void anEmptyOrAllDiscardedBatchStillAnswersThePipe() throws Exception {
        JsonNode input = batch(record("e-1", notification(PipelineFixture.TOPIC_UNKNOWN, "us-east-1",
                body(entry(b64("x"), null, "203.0.113.9", 5683, null)), Instant.now())));
        LocalStepFunctions.Execution ex = sfn.run(Map.of("e", input)).get("e");
        assertTrue(ex.ok(), () -> ex.error() + " " + ex.cause());
        assertEquals(Set.of(), failures(ex.output()));
    }
}
