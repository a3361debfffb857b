package com.proxylity.packetsource.functions;

import static com.proxylity.packetsource.functions.testing.SqsEvents.body;
import static com.proxylity.packetsource.functions.testing.SqsEvents.entry;
import static com.proxylity.packetsource.functions.testing.SqsEvents.notification;
import static com.proxylity.packetsource.functions.testing.SqsEvents.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.outcomes.SourceOutcomes;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.testing.ManualClock;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.model.Batches;
import com.proxylity.packetsource.functions.model.EgressStateResult;
import com.proxylity.packetsource.functions.model.OutcomeResults;
import com.proxylity.packetsource.functions.model.OutcomeState;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.functions.outcomes.OutcomePublisher;
import com.proxylity.packetsource.functions.outcomes.OutcomeSummaryLimiter;
import com.proxylity.packetsource.functions.ratelimit.TokenBucketRateLimiter;
import com.proxylity.packetsource.functions.state.StateJson;
import com.proxylity.packetsource.functions.testing.PipelineFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole PublishOutcomes handler over what the real Validate, LookupSessions and Egress
 * handlers produced: the bound on listed discards, the rate limit per source with its count
 * carried into the next summary and the metric, and a failed publish counted, never thrown.
 */
class PublishOutcomesTest {
    PipelineFixture fx;
    final List<String> published = new CopyOnWriteArrayList<>();
    volatile RuntimeException failure;
    final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    @BeforeEach
    void start() throws Exception {
        fx = new PipelineFixture(address -> true);
        fx.sender.start();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private PublishOutcomes handler(int perSecond) {
        return new PublishOutcomes((topic, subject, message) -> {
            RuntimeException f = failure;
            if (f != null) throw f;
            assertEquals(PipelineFixture.OUTCOME_TOPIC, topic);
            published.add(message);
        }, PipelineFixture.REGION, new OutcomeSummaryLimiter(new TokenBucketRateLimiter(clock), perSecond), fx.metrics);
    }

    /** One message to the reported source with {@code good} deliverable and {@code bad} undecodable entries, through the three handlers. */
    private OutcomeResults run(String sqsId, ObjectNode envelope) {
        JsonNode r = record(sqsId, envelope);
        PacketsState v = fx.validate.handle(new Validate.PipeBatch(List.of(new SqsRecord(r.get("messageId").asText(),
                r.get("body").asText()))));
        Batches b = fx.lookupSessions.handle(v);
        List<EgressStateResult> results = new ArrayList<>();
        b.batches().forEach(batch -> results.add(fx.egress.handle(batch)));
        // As the state carries them: through JSON.
        return StateJson.MAPPER.convertValue(StateJson.MAPPER.valueToTree(new OutcomeResults(b.outcomes(), results)),
                OutcomeResults.class);
    }

    private static ObjectNode message(int good, int bad) {
        List<ObjectNode> entries = new ArrayList<>();
        for (int i = 0; i < good; i++) entries.add(entry("aGVsbG8=", null, "203.0.113.9", 5683, null));
        for (int i = 0; i < bad; i++) entries.add(entry("zz", "hex", "203.0.113.9", 5683, null));
        return notification(PipelineFixture.TOPIC_REPORTED, "us-east-1", body(entries.toArray(new ObjectNode[0])), Instant.now());
    }

    private static String emf(Supplier<Object> action) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.get();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static double metric(String emf, String name) throws Exception {
        double sum = 0;
        for (String line : emf.split("\n")) {
            if (!line.contains("\"_aws\"")) continue;
            JsonNode n = StateJson.MAPPER.readTree(line);
            if (n.has(name)) sum += n.get(name).asDouble();
        }
        return sum;
    }

    @Test
    void atMostTwentyDiscardsAreListedTheRestCountedAndEveryIdIsTheSnsMessageIds() throws Exception {
        ObjectNode m = message(3, 25);
        String sns = m.get("MessageId").asText();
        PublishOutcomes.Published p = handler(1).handle(run("sqs-many", m));

        assertEquals(1, p.summaries().size());
        assertEquals(1, published.size());
        JsonNode s = StateJson.MAPPER.readTree(published.get(0));
        assertEquals(3, s.get("Counts").get("Delivered").asLong());
        assertEquals(25, s.get("Counts").get("DecodeError").asLong());
        assertEquals(20, s.get("Discards").size());
        assertEquals(5, s.get("DiscardsOmitted").asLong());
        for (int i = 0; i < 20; i++) {
            assertEquals(sns + "/" + (3 + i), s.get("Discards").get(i).get("Id").asText());
        }
        System.out.printf("summary of 3 delivered and 25 discarded entries: %d bytes (SNS limit %d)%n",
                published.get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8).length, 256 * 1024);
        assertTrue(published.get(0).length() < 8 * 1024, "far below SNS's 256 KiB: " + published.get(0).length());
    }

    @Test
    void summariesOverTheRateAreSuppressedCountedAndReportedByTheNextOne() throws Exception {
        PublishOutcomes h = handler(1);
        OutcomeResults in = run("sqs-1", message(1, 1));
        String first = emf(() -> h.handle(in));
        String second = emf(() -> h.handle(in));
        String third = emf(() -> h.handle(in));
        assertEquals(1, published.size(), "one summary per second per source");
        assertEquals(0, metric(first, PublishOutcomes.OUTCOME_SUMMARIES_SUPPRESSED));
        assertEquals(1, metric(second, PublishOutcomes.OUTCOME_SUMMARIES_SUPPRESSED));
        assertEquals(1, metric(third, PublishOutcomes.OUTCOME_SUMMARIES_SUPPRESSED));

        clock.advance(Duration.ofSeconds(1));
        h.handle(in);
        assertEquals(2, published.size());
        assertEquals(0, StateJson.MAPPER.readTree(published.get(0)).get("SummariesSuppressed").asLong());
        assertEquals(2, StateJson.MAPPER.readTree(published.get(1)).get("SummariesSuppressed").asLong(),
                "the next summary says how many were dropped before it");
    }

    @Test
    void aFailedPublishIsCountedNotThrownAndItsSuppressedCountGoesToTheNext() throws Exception {
        PublishOutcomes h = handler(1);
        OutcomeResults in = run("sqs-1", message(1, 1));
        h.handle(in);
        h.handle(in); // suppressed: 1
        clock.advance(Duration.ofSeconds(1));
        failure = new IllegalStateException("SNS unavailable");
        String failed = emf(() -> h.handle(in));
        assertEquals(1, metric(failed, PublishOutcomes.OUTCOME_PUBLISH_FAILED));
        assertEquals(0, metric(failed, PublishOutcomes.OUTCOME_SUMMARIES_PUBLISHED));

        failure = null;
        clock.advance(Duration.ofSeconds(1));
        h.handle(in);
        assertEquals(2, published.size());
        assertEquals(1, StateJson.MAPPER.readTree(published.get(1)).get("SummariesSuppressed").asLong());
    }

    @Test
    void aSourceWithoutAnOutcomeTopicIsNeverSummarised() {
        JsonNode r = record("sqs-plain", notification(PipelineFixture.TOPIC, "us-east-1",
                body(entry("zz", "hex", "203.0.113.9", 5683, null)), Instant.now()));
        PacketsState v = fx.validate.handle(new Validate.PipeBatch(List.of(new SqsRecord("sqs-plain", r.get("body").asText()))));
        Batches b = fx.lookupSessions.handle(v);
        assertTrue(!b.outcomes().publish(), "the Choice skips PublishOutcomes");
        assertEquals(0, handler(1).handle(new OutcomeResults(b.outcomes(), List.of())).summaries().size());
        assertEquals(List.of(), published);
    }

    @Test
    void aStaleMessageOfTheSourceIsReportedToo() throws Exception {
        fx.registry.put(PipelineFixture.reported(60));
        ObjectNode m = notification(PipelineFixture.TOPIC_REPORTED, "us-east-1",
                body(entry("aGVsbG8=", null, "203.0.113.9", 5683, null)), Instant.now().minusSeconds(600));
        handler(1).handle(run("sqs-old", m));
        JsonNode s = StateJson.MAPPER.readTree(published.get(0));
        assertEquals(1, s.get("Counts").get("Stale").asLong(), "a whole-message discard after authentication is the owner's");
        assertEquals(m.get("MessageId").asText(), s.get("Discards").get(0).get("Id").asText());
    }

    /**
     * The registry row is trusted only as far as its customer still owns the outcome topic's
     * account and is enabled: a moved account, a disabled customer or a row seeded by hand sends
     * no summary (counted by Validate), while the packets still leave.
     */
    @Test
    void aSourceWhoseOutcomeTopicIsNoLongerItsCustomersGetsNoSummaryAndIsCounted() throws Exception {
        Customer acme = fx.registry.customer(PipelineFixture.REPORTED_CUSTOMER).orElseThrow();
        List<Runnable> changes = List.of(
                () -> fx.registry.put(new Customer(acme.id(), acme.apiKeySha256(), acme.externalId(), Set.of("444455556666"))),
                () -> fx.registry.put(acme.withDisabled(true)),
                () -> fx.registry.put(acme).put(new PacketSource(PipelineFixture.TOPIC_REPORTED, "coap", true, null, 0, 0,
                        null, PipelineFixture.OUTCOME_TOPIC)));
        for (int i = 0; i < changes.size(); i++) {
            changes.get(i).run();
            published.clear();
            String sqsId = "sqs-moved-" + i;
            String out = emf(() -> handler(1000).handle(run(sqsId, message(1, 1))));
            assertEquals(List.of(), published, "case " + i);
            assertEquals(1.0, metric(out, Validate.OUTCOME_TOPIC_NOT_THEIRS), "case " + i + ": " + out);
            assertEquals(1.0, metric(out, PipelineMetrics.PACKETS_DELIVERED), "the packets still leave, case " + i);
        }
    }

    /** Two sources, each with one delivery to report, and no SQS records to name. */
    private static OutcomeResults twoSources() {
        java.util.Map<String, OutcomeState.Source> sources = new java.util.LinkedHashMap<>();
        for (String s : List.of("a", "b")) {
            sources.put("arn:aws:sns:us-east-1:111122223333:" + s, new OutcomeState.Source(PipelineFixture.OUTCOME_TOPIC,
                    SourceOutcomes.empty().toBuilder().delivered(1).build()));
        }
        return new OutcomeResults(new OutcomeState(true, java.util.Map.of(), sources), List.of());
    }

    @Test
    void aTopicPolicyThatRefusesIsCountedApartFromTheAlarmedFailures() throws Exception {
        failure = new OutcomePublisher.AccessDeniedException("AuthorizationError", null);
        PublishOutcomes.Published[] r = new PublishOutcomes.Published[1];
        String out = emf(() -> r[0] = handler(1000).handle(twoSources()));
        assertEquals(2, r[0].denied());
        assertEquals(0, r[0].failed());
        assertEquals(2.0, metric(out, PublishOutcomes.OUTCOME_PUBLISH_DENIED));
        assertEquals(0.0, metric(out, PublishOutcomes.OUTCOME_PUBLISH_FAILED), "a customer cannot raise the operator's alarm");
    }

    @Test
    void noPublishStartsAfterTheBudgetAndTheRestAreCountedAsDropped() throws Exception {
        PublishOutcomes h = new PublishOutcomes((topic, subject, message) -> {
            published.add(message);
            clock.advance(PublishOutcomes.PUBLISH_BUDGET); // a publish that took the whole budget
        }, PipelineFixture.REGION, new OutcomeSummaryLimiter(new TokenBucketRateLimiter(clock), 1000), fx.metrics, clock);
        PublishOutcomes.Published[] r = new PublishOutcomes.Published[1];
        String out = emf(() -> r[0] = h.handle(twoSources()));
        assertEquals(1, published.size());
        assertEquals(1, r[0].dropped());
        assertEquals(1.0, metric(out, PublishOutcomes.OUTCOME_SUMMARIES_DROPPED));
        assertEquals(1.0, metric(out, PublishOutcomes.OUTCOME_SUMMARIES_PUBLISHED));
    }
}
