package com.proxylity.packetsource.functions;

import static com.proxylity.packetsource.functions.testing.SqsEvents.body;
import static com.proxylity.packetsource.functions.testing.SqsEvents.entry;
import static com.proxylity.packetsource.functions.testing.SqsEvents.notification;
import static com.proxylity.packetsource.functions.testing.SqsEvents.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import com.proxylity.packetsource.functions.model.Batches;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.functions.state.StateJson;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.testing.PipelineFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The handlers' CloudWatch EMF lines on stdout carry every pipeline metric and the Reason dimension. */
class MetricsEmfTest {
    @Test
    void handlersPrintEveryMetricAndDiscardReasons() throws Exception {
        List<JsonNode> emf;
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PipelineFixture fx = new PipelineFixture(address -> true)) {
            Instant published = Instant.now().minusSeconds(2);
            List<SqsRecord> records = new ArrayList<>();
            for (JsonNode r : List.of(
                    record("ok", notification(PipelineFixture.TOPIC, "us-east-1", body(
                            entry("aGVsbG8=", null, "203.0.113.9", 5683, null),
                            entry("zz", "hex", "203.0.113.9", 5683, null)), published)),
                    record("stranger", notification(PipelineFixture.TOPIC_UNKNOWN, "us-east-1",
                            body(entry("aGVsbG8=", null, "203.0.113.9", 5683, null)), published)))) {
                records.add(new SqsRecord(r.get("messageId").asText(), r.get("body").asText()));
            }
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                PacketsState v = fx.validate.handle(new Validate.PipeBatch(records));
                Batches b = fx.lookupSessions.handle(v);
                b.batches().forEach(fx.egress::handle);
            } finally {
                System.setOut(original);
            }
        }
        emf = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.contains("\"_aws\"")) emf.add(StateJson.MAPPER.readTree(line));
        }

        Map<String, Double> totals = new HashMap<>();
        Map<String, Double> discardsByReason = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (JsonNode line : emf) {
            JsonNode directive = line.get("_aws").get("CloudWatchMetrics").get(0);
            assertEquals(PipelineMetrics.NAMESPACE, directive.get("Namespace").asText());
            for (JsonNode m : directive.get("Metrics")) {
                String name = m.get("Name").asText();
                names.add(name);
                JsonNode value = line.get(name);
                double sum = 0;
                if (value.isArray()) for (JsonNode x : value) sum += x.asDouble();
                else sum = value.asDouble();
                totals.merge(name, sum, Double::sum);
                if (name.equals(PipelineMetrics.PACKETS_DISCARDED)) {
                    assertEquals("Reason", directive.get("Dimensions").get(0).get(0).asText());
                    discardsByReason.merge(line.get("Reason").asText(), sum, Double::sum);
                }
            }
        }
        assertTrue(names.containsAll(Set.of(PipelineMetrics.MESSAGES_RECEIVED, PipelineMetrics.PACKETS_RECEIVED,
                PipelineMetrics.PACKETS_DELIVERED, PipelineMetrics.PACKETS_DISCARDED, PipelineMetrics.PIPE_BATCH_SIZE,
                PipelineMetrics.EGRESS_BATCH_SIZE, PipelineMetrics.PUBLISH_TO_EGRESS_LATENCY)), names::toString);
        assertEquals(2.0, totals.get(PipelineMetrics.MESSAGES_RECEIVED));
        assertEquals(3.0, totals.get(PipelineMetrics.PACKETS_RECEIVED), "two entries and one whole-message discard");
        assertEquals(1.0, totals.get(PipelineMetrics.PACKETS_DELIVERED));
        assertEquals(Map.of("UnknownTopic", 1.0, "DecodeError", 1.0), discardsByReason);
        assertTrue(totals.get(PipelineMetrics.PUBLISH_TO_EGRESS_LATENCY) >= 2000,
                "latency is measured from the SNS Timestamp");
        assertTrue(!captured.toString(StandardCharsets.UTF_8).contains("aGVsbG8="), "no payloads in logs or metrics");
    }
}
