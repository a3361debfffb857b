package com.proxylity.packetsource.functions;

import static com.proxylity.packetsource.functions.testing.SqsEvents.batch;
import static com.proxylity.packetsource.functions.testing.SqsEvents.body;
import static com.proxylity.packetsource.functions.testing.SqsEvents.entry;
import static com.proxylity.packetsource.functions.testing.SqsEvents.notification;
import static com.proxylity.packetsource.functions.testing.SqsEvents.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.outcomes.OutcomeSubjects;
import com.proxylity.packetsource.functions.model.OutcomeResults;
import com.proxylity.packetsource.functions.state.StageHandler;
import com.proxylity.packetsource.functions.state.StateJson;
import com.proxylity.packetsource.functions.testing.LocalStepFunctions;
import com.proxylity.packetsource.functions.testing.PipelineFixture;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Customers' outcome summaries through the real definition in an independent ASL engine
 * (aws-local-stepfunctions) over the real handlers: Validate and Egress attribute outcomes to
 * the source with an outcome topic, PublishOutcomes publishes one summary per source, and
 * neither a failing publish nor a failing state touches the batch's answer.
 */
class OutcomesThroughStateMachineTest {
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
        fx.endpoint.register("PublishOutcomes", fx.publishOutcomes);
        fx.outcomesPublished.clear();
        fx.outcomeFailure = null;
        fx.sender.clear();
        fx.sender.start();
        fx.received(1000);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static Set<String> failures(JsonNode output) {
        List<String> ids = new ArrayList<>();
        for (JsonNode f : output.get("batchItemFailures")) ids.add(f.get("itemIdentifier").asText());
        return Set.copyOf(ids);
    }

    private static long invocationsOf(String function) {
        return fx.endpoint.invocations().stream().filter(i -> i.function().equals(function)).count();
    }

    @Test
    void aBadEntryArrivesInOneSummaryNamingItsSnsMessageIdAndNothingOfOtherSources() throws Exception {
        Instant now = Instant.now();
        ObjectNode reported = notification(PipelineFixture.TOPIC_REPORTED, "us-east-1", body(
                entry(b64("kept"), null, "203.0.113.9", 5683, null),
                entry("zz", "hex", "203.0.113.9", 5683, null)), now);
        String snsMessageId = reported.get("MessageId").asText();
        JsonNode input = batch(
                record("sqs-reported", reported),
                record("sqs-plain", notification(PipelineFixture.TOPIC, "us-east-1",
                        body(entry("yy", "hex", "203.0.113.9", 5683, null)), now)));

        LocalStepFunctions.Execution ex = sfn.run(Map.of("reported", input)).get("reported");

        assertTrue(ex.ok(), () -> ex.error() + " " + ex.cause());
        assertEquals(Set.of(), failures(ex.output()));
        assertEquals(1, fx.outcomesPublished.size(), "one summary: only the source with an outcome topic has one");
        assertEquals(PipelineFixture.OUTCOME_TOPIC, fx.outcomesPublished.get(0)[0]);
        JsonNode summary = StateJson.MAPPER.readTree(fx.outcomesPublished.get(0)[1]);
        assertEquals("PacketSourceOutcomes", summary.get("Type").asText());
        assertEquals(PipelineFixture.TOPIC_REPORTED, summary.get("TopicArn").asText());
        assertEquals("us-east-1", summary.get("Region").asText());
        assertEquals(1, summary.get("Counts").get("Delivered").asLong(), "Egress's delivery is counted for it");
        assertEquals(1, summary.get("Counts").get("DecodeError").asLong());
        assertEquals(1, summary.get("Discards").size());
        assertEquals(snsMessageId + "/1", summary.get("Discards").get(0).get("Id").asText(),
                "the Id the customer's Publish returned, with the entry index");
        assertEquals("DecodeError", summary.get("Discards").get(0).get("Reason").asText());
        assertEquals(0, summary.get("DiscardsOmitted").asLong());
        assertEquals(0, summary.get("SummariesSuppressed").asLong());
        String text = fx.outcomesPublished.get(0)[1];
        assertFalse(text.contains("sqs-"), "no SQS message id, nor anything of the other source: " + text);
        assertFalse(text.contains("203.0.113.9"), "no address: " + text);
        assertFalse(text.contains(PipelineFixture.TOPIC + "\""), "no other source: " + text);
    }

    @Test
    void anExecutionWithoutAnOutcomeTopicDoesNotInvokePublishOutcomes() throws Exception {
        JsonNode input = batch(record("sqs-plain", notification(PipelineFixture.TOPIC, "us-east-1",
                body(entry("yy", "hex", "203.0.113.9", 5683, null)), Instant.now())));
        LocalStepFunctions.Execution ex = sfn.run(Map.of("plain", input)).get("plain");
        assertTrue(ex.ok(), () -> ex.error() + " " + ex.cause());
        assertEquals(0, invocationsOf("PublishOutcomes"));
        assertEquals(1, invocationsOf("ReportFailures"));
    }

    /**
     * A summary, or the provider's verification message, that reaches a packet topic (an outcome
     * topic that is also a packet topic) comes back signed by SNS with the Subject we published
     * it with: it is discarded for nobody, so it makes no summary that would come back in turn.
     */
    @Test
    void anOutcomeMessageArrivingOnAPacketTopicMakesNoFurtherSummary() throws Exception {
        JsonNode first = batch(record("sqs-bad", notification(PipelineFixture.TOPIC_REPORTED, "us-east-1",
                "{\"not\":\"packets\"}", Instant.now())));
        assertTrue(sfn.run(Map.of("first", first)).get("first").ok());
        assertEquals(1, fx.outcomesPublished.size(), "a MalformedMessage of the source makes one summary");
        String[] summary = fx.outcomesPublished.get(0);
        String verified = "{\"Type\":\"OutcomeTopicVerified\",\"TopicArn\":\"" + PipelineFixture.TOPIC_REPORTED
                + "\",\"Region\":\"us-east-1\",\"OutcomeTopicArn\":\"" + PipelineFixture.TOPIC_REPORTED + "\"}";
        String[][] echoes = {{summary[1], summary[2]}, {verified, OutcomeSubjects.VERIFIED}};
        for (String[] echo : echoes) {
            fx.outcomesPublished.clear();
            ObjectNode back = notification(PipelineFixture.TOPIC_REPORTED, "us-east-1", echo[0], Instant.now());
            back.put("Subject", echo[1]); // signed with it, as SNS signs the Subject
            LocalStepFunctions.Execution ex = sfn.run(Map.of("echo", batch(record("sqs-echo", back)))).get("echo");
            assertTrue(ex.ok(), () -> ex.error() + " " + ex.cause());
            assertEquals(Set.of(), failures(ex.output()), "discarded, not retried");
            assertEquals(List.of(), fx.outcomesPublished.stream().map(p -> p[0]).toList(),
                    "no summary of an outcome message (Subject " + echo[1] + ")");
        }
    }

    /** A Lambda failure of the state itself, as an unhandled error or a timeout would be. */
    static final class Broken extends StageHandler<OutcomeResults, Object> {
        Broken() {
            super(OutcomeResults.class);
        }

        @Override
        public Object handle(OutcomeResults input) {
            throw new IllegalStateException("PublishOutcomes broke");
        }
    }

    @Test
    void neitherAFailingPublishNorAFailingStateChangesTheBatchOrIsRetried() throws Exception {
        Instant now = Instant.now();
        JsonNode input = batch(
                record("sqs-a", notification(PipelineFixture.TOPIC_REPORTED, "us-east-1",
                        body(entry(b64("first"), null, "203.0.113.9", 5683, null)), now)),
                record("sqs-b", notification(PipelineFixture.TOPIC, "us-east-1",
                        body(entry(b64("second"), null, "203.0.113.9", 5683, null)), now)));

        fx.outcomeFailure = new IllegalStateException("SNS is down");
        LocalStepFunctions.Execution publishFails = sfn.run(Map.of("publish-fails", input)).get("publish-fails");
        assertTrue(publishFails.ok(), () -> publishFails.error() + " " + publishFails.cause());
        assertEquals(Set.of(), failures(publishFails.output()), "a failed summary is no batch item failure");
        assertEquals(1, invocationsOf("PublishOutcomes"));
        assertEquals(Set.of("first", "second"), fx.received(10).stream().map(b -> new String(b, StandardCharsets.UTF_8))
                .collect(Collectors.toSet()));

        fx.endpoint.clear();
        fx.endpoint.register("PublishOutcomes", new Broken());
        LocalStepFunctions.Execution stateFails = sfn.run(Map.of("state-fails", input)).get("state-fails");
        assertTrue(stateFails.ok(), () -> stateFails.error() + " " + stateFails.cause());
        assertEquals(Set.of(), failures(stateFails.output()), "the Catch passes the input on to ReportFailures");
        assertEquals(1, invocationsOf("PublishOutcomes"), "never retried");
        assertTrue(fx.endpoint.invocations().stream().filter(i -> i.function().equals("PublishOutcomes"))
                .allMatch(i -> i.errorType() != null), "it did fail");
        assertEquals(1, invocationsOf("ReportFailures"));
    }
}
