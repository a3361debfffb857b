package com.proxylity.packetsource.functions;

import static com.proxylity.packetsource.functions.testing.SqsEvents.body;
import static com.proxylity.packetsource.functions.testing.SqsEvents.entry;
import static com.proxylity.packetsource.functions.testing.SqsEvents.notification;
import static com.proxylity.packetsource.functions.testing.SqsEvents.record;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.functions.model.Batches;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.functions.state.StateJson;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.testing.PipelineFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A record SQS redelivers (its Egress batch failed, so the Pipe reported it in
 * batchItemFailures) runs Validate (with its Format step) and LookupSessions again: the CloudWatch EMF lines
 * must still count each entry once as received and each discard once (docs/pipeline.md,
 * "Metrics under retries"). The first attempt is cut before Egress, as a failed batch is.
 */
class RetryMetricsEmfTest {
    @Test
    void aRedeliveredRecordIsNotCountedAgain() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PipelineFixture fx = new PipelineFixture(address -> true)) {
            Instant published = Instant.now().minusSeconds(2);
            List<ObjectNode> records = List.of(
                    record("ok", notification(PipelineFixture.TOPIC, "us-east-1", body(
                            entry("aGVsbG8=", null, "203.0.113.9", 5683, null),
                            entry("zz", "hex", "203.0.113.9", 5683, null)), published)),
                    record("stranger", notification(PipelineFixture.TOPIC_UNKNOWN, "us-east-1",
                            body(entry("aGVsbG8=", null, "203.0.113.9", 5683, null)), published)));
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                // First receive: everything but Egress (the batch failed; Egress counts nothing then).
                Batches first = fx.lookupSessions.handle(fx.validate.handle(batch(records, "1")));
                assertEquals(1, first.batches().get(0).packets().size());
                // SQS redelivers only the record whose batch failed.
                PacketsState v = fx.validate.handle(batch(List.of(records.get(0)), "2"));
                assertEquals(List.of("ok"), v.redelivered());
                Batches b = fx.lookupSessions.handle(v);
                b.batches().forEach(fx.egress::handle);
            } finally {
                System.setOut(original);
            }
        }
        Map<String, Double> totals = new HashMap<>();
        Map<String, Double> discardsByReason = new HashMap<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.contains("\"_aws\"")) continue;
            JsonNode emf = StateJson.MAPPER.readTree(line);
            for (JsonNode m : emf.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics")) {
                String name = m.get("Name").asText();
                double sum = 0;
                JsonNode value = emf.get(name);
                if (value.isArray()) for (JsonNode x : value) sum += x.asDouble();
                else sum = value.asDouble();
                totals.merge(name, sum, Double::sum);
                if (name.equals(PipelineMetrics.PACKETS_DISCARDED)) discardsByReason.merge(emf.get("Reason").asText(), sum, Double::sum);
            }
        }
        assertEquals(2.0, totals.get(PipelineMetrics.MESSAGES_RECEIVED), "each message once");
        assertEquals(3.0, totals.get(PipelineMetrics.PACKETS_RECEIVED), "two entries and one whole-message discard, once");
        assertEquals(1.0, totals.get(PipelineMetrics.PACKETS_DELIVERED));
        assertEquals(Map.of("UnknownTopic", 1.0, "DecodeError", 1.0), discardsByReason, "each discard once");
    }

    /** The records as the Pipe hands them over, with SQS's receive count. */
    private static Validate.PipeBatch batch(List<ObjectNode> records, String receiveCount) throws Exception {
        ArrayNode array = StateJson.MAPPER.createArrayNode();
        for (ObjectNode r : records) {
            ObjectNode copy = r.deepCopy();
            ((ObjectNode) copy.get("attributes")).put("ApproximateReceiveCount", receiveCount);
            array.add(copy);
        }
        return StateJson.MAPPER.readValue(StateJson.MAPPER.writeValueAsBytes(array), Validate.PipeBatch.class);
    }
}
