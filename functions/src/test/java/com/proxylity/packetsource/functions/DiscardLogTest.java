package com.proxylity.packetsource.functions;

import static com.proxylity.packetsource.functions.testing.SqsEvents.body;
import static com.proxylity.packetsource.functions.testing.SqsEvents.entry;
import static com.proxylity.packetsource.functions.testing.SqsEvents.notification;
import static com.proxylity.packetsource.functions.testing.SqsEvents.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import com.proxylity.packetsource.functions.metrics.RateLimitedDiscardLog;
import com.proxylity.packetsource.functions.model.Batches;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.functions.state.StateJson;
import com.proxylity.packetsource.functions.testing.PipelineFixture;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.model.EgressBatch;
import java.time.Clock;
import java.time.Instant;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each discarded entry is one structured log line from the handler that decided it; a flood is bounded. */
class DiscardLogTest {
    private static final String SECRET_DATA = "c2VjcmV0LXBheWxvYWQ=";

    @Test
    void eachDiscardedEntryIsOneLineWithItsIdSourceReasonAndDetail() throws Exception {
        List<String> lines = new ArrayList<>();
        RateLimitedDiscardLog log = new RateLimitedDiscardLog(1000, () -> 0L, lines::add);
        try (PipelineFixture fx = new PipelineFixture(address -> true, log)) {
            Instant published = Instant.now().minusSeconds(1);
            List<SqsRecord> records = new ArrayList<>();
            for (JsonNode r : List.of(
                    record("m1", notification(PipelineFixture.TOPIC, "us-east-1", body(
                            entry(SECRET_DATA, null, "203.0.113.9", 5683, null),
                            entry("zz", "hex", "203.0.113.9", 5683, null)), published)),
                    record("m2", notification(PipelineFixture.TOPIC_UNKNOWN, "us-east-1",
                            body(entry(SECRET_DATA, null, "203.0.113.9", 5683, null)), published)))) {
                records.add(new SqsRecord(r.get("messageId").asText(), r.get("body").asText()));
            }
            PacketsState v = fx.validate.handle(new Validate.PipeBatch(records));
            Batches b = fx.lookupSessions.handle(v);
            b.batches().forEach(fx.egress::handle);
        }
        assertEquals(2, lines.size(), lines.toString());
        java.util.Map<String, JsonNode> byId = new java.util.HashMap<>();
        for (String line : lines) {
            JsonNode n = StateJson.MAPPER.readTree(line);
            byId.put(n.get("Id").asText(), n);
        }
        JsonNode decode = byId.get("m1/1");
        assertEquals(RateLimitedDiscardLog.DISCARD, decode.get("Type").asText());
        assertEquals(PipelineFixture.TOPIC, decode.get("PacketSource").asText());
        assertEquals("coap", decode.get("Listener").asText());
        assertEquals(DiscardReason.DecodeError.name(), decode.get("Reason").asText());
        assertFalse(decode.get("Detail").asText().isBlank());
        JsonNode unknown = byId.get("m2");
        assertEquals(DiscardReason.UnknownTopic.name(), unknown.get("Reason").asText());
        // An unauthenticated TopicArn is the publisher's claim, not a Packet Source.
        assertTrue(unknown.get("PacketSource").isNull());
        for (String line : lines) assertFalse(line.contains(SECRET_DATA), line);
    }

    @Test
    void lookupSessionsAndEgressNameTheListenerOfTheirDiscards() throws Exception {
        List<String> lines = new ArrayList<>();
        RateLimitedDiscardLog log = new RateLimitedDiscardLog(1000, () -> 0L, lines::add);
        PipelineMetrics metrics = new PipelineMetrics(MetricsBuilder.builder().withNamespace(PipelineMetrics.NAMESPACE)
                .withRaiseOnEmptyMetrics(false).build(), PipelineMetrics.NAMESPACE, log);
        try (PipelineFixture fx = new PipelineFixture(address -> true)) {
            ReadyPacket expired = new ReadyPacket("w/0", "wg1", ListenerType.WG_DECAP, "203.0.113.10", 51820,
                    PipelineFixture.PEER_EXPIRED, new byte[] {1});
            new LookupSessions(fx.sessions, fx.registry, Clock.systemUTC(), metrics)
                    .handle(new PacketsState(List.of(expired), List.of(), java.util.Map.of()));
        }
        ReadyPacket toSender = new ReadyPacket("e/0", "coap", ListenerType.UDP, "203.0.113.9", 5683, null, new byte[] {2});
        new Egress((endpoint, request) -> new EgressResponse(List.of(EgressResult.discarded("e/0", DiscardReason.SendError))),
                Clock.systemUTC(), metrics)
                .handle(new EgressBatch("coap", "http://sender", null, List.of(toSender), List.of(), java.util.Map.of()));

        assertEquals(2, lines.size(), lines.toString());
        JsonNode lookup = StateJson.MAPPER.readTree(lines.get(0));
        assertEquals("w/0", lookup.get("Id").asText());
        assertEquals("wg1", lookup.get("Listener").asText());
        assertEquals(DiscardReason.SessionExpired.name(), lookup.get("Reason").asText());
        JsonNode egress = StateJson.MAPPER.readTree(lines.get(1));
        assertEquals("e/0", egress.get("Id").asText());
        assertEquals("coap", egress.get("Listener").asText());
        assertEquals(DiscardReason.SendError.name(), egress.get("Reason").asText());
        assertEquals("discarded by the sender", egress.get("Detail").asText());
    }

    @Test
    void aFloodIsBoundedAndWhatWasHeldBackIsCounted() throws Exception {
        AtomicLong nanos = new AtomicLong();
        List<String> lines = new ArrayList<>();
        RateLimitedDiscardLog log = new RateLimitedDiscardLog(5, nanos::get, lines::add);
        for (int i = 0; i < 100; i++) log.discarded(new Discard("m/" + i, DiscardReason.DecodeError, "bad"), null, null);
        log.endOfInvocation();
        assertEquals(5, lines.size(), "the burst, and no report before a second has passed");

        nanos.addAndGet(1_000_000_000L);
        log.discarded(new Discard("n/0", DiscardReason.DecodeError, "bad"), null, null);
        log.endOfInvocation();
        assertEquals(7, lines.size());
        JsonNode report = StateJson.MAPPER.readTree(lines.get(6));
        assertEquals(RateLimitedDiscardLog.SUPPRESSED, report.get("Type").asText());
        assertEquals(95, report.get("Suppressed").asLong());

        log.endOfInvocation();
        assertEquals(7, lines.size(), "nothing more held back, nothing more reported");
    }

    @Test
    void longFieldsAreCut() throws Exception {
        List<String> lines = new ArrayList<>();
        RateLimitedDiscardLog log = new RateLimitedDiscardLog(1, () -> 0L, lines::add);
        log.discarded(new Discard("x".repeat(10_000), DiscardReason.MalformedMessage, "y".repeat(10_000)),
                "z".repeat(10_000), "w".repeat(10_000));
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).length() < 1000, lines.get(0));
    }
}
