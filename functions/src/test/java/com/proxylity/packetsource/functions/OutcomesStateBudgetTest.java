package com.proxylity.packetsource.functions;

import static com.proxylity.packetsource.functions.testing.SqsEvents.body;
import static com.proxylity.packetsource.functions.testing.SqsEvents.entry;
import static com.proxylity.packetsource.functions.testing.SqsEvents.notification;
import static com.proxylity.packetsource.functions.testing.SqsEvents.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.pipeline.RateLimiter;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.testevents.TestSigning;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.functions.state.StateJson;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The state stays within Step Functions' 256 KiB when Packet Sources have outcome topics: the
 * copies of listed discards and the per-source entries are paid for from the message's share
 * (StateBudget.OUTCOMES_PER_MESSAGE), measured on the whole Validate handler's output.
 */
class OutcomesStateBudgetTest {
    static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");
    static final String LONG = "t".repeat(256);

    static String topic(int i) {
        return "arn:aws:sns:us-east-1:111122223333:" + LONG.substring(0, 250) + "-" + i;
    }

    static InMemoryRegistry registry(boolean outcomes) {
        InMemoryRegistry r = new InMemoryRegistry();
        // Owned by the customer of the outcome topics' account, as Validate re-checks per message.
        r.put(new Listener("udp", ListenerType.UDP, 5683, List.of("198.51.100.1"), null, "http://127.0.0.1:1").ownedBy("acme"));
        r.put(new com.proxylity.packetsource.core.registry.Customer("acme", "0".repeat(64), "psx-acme",
                java.util.Set.of("111122223333")));
        for (int i = 0; i < 10; i++) {
            r.put(new PacketSource(topic(i), "udp", true, null, 0, 0, "acme",
                    outcomes ? "arn:aws:sns:us-east-1:111122223333:" + LONG.substring(0, 240) + "-outcomes-" + i : null));
        }
        return r;
    }

    static Validate validate(boolean outcomes) {
        return new Validate(registry(outcomes), "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC), (t, k) -> { },
                RateLimiter.UNLIMITED, new StateBudget(Environment.DEFAULT_PIPE_BATCH_SIZE), address -> true,
                Environment.pipelineMetrics(), TestSigning.get().verifier());
    }

    /** Ten messages, each of another source, each of {@code n} entries the schema refuses (each costs a discard's share). */
    static Validate.PipeBatch batch(int n) {
        List<SqsRecord> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ObjectNode[] entries = new ObjectNode[n];
            for (int e = 0; e < n; e++) {
                entries[e] = entry("\"\\" + "z".repeat(20), "hex", "203.0.113.9", 5683, null);
                entries[e].remove("Remote");
            }
            JsonNode r = record("0f8fad5b-d9cb-469f-a165-70867728950" + i, notification(topic(i), "us-east-1", body(entries), NOW));
            records.add(new SqsRecord(r.get("messageId").asText(), r.get("body").asText()));
        }
        return new Validate.PipeBatch(records);
    }

    static int bytes(Object o) throws Exception {
        return StateJson.MAPPER.writeValueAsBytes(o).length;
    }

    @Test
    void aFullBatchOfBadEntriesOfTenSourcesWithOutcomeTopicsStaysWithinTheStateLimit() throws Exception {
        int most = (StateBudget.STATE_LIMIT - StateBudget.RESERVE) / 10;
        int withOutcomes = (most - StateBudget.OUTCOMES_PER_MESSAGE) / StateBudget.PER_DISCARD;
        PacketsState reported = validate(true).handle(batch(withOutcomes));
        PacketsState plain = validate(false).handle(batch(withOutcomes));
        int reportedBytes = bytes(reported);
        int plainBytes = bytes(plain);
        int outcomeBytes = bytes(reported.outcomes());
        System.out.printf("Validate output, 10 messages x %d bad entries: %d bytes with outcome topics (Outcomes %d), %d without; limit %d%n",
                withOutcomes, reportedBytes, outcomeBytes, plainBytes, StateBudget.STATE_LIMIT);
        assertEquals(10 * withOutcomes, reported.discards().size(), "every entry refused, none the message as TooLarge");
        assertTrue(reported.discards().stream().noneMatch(d -> d.reason().name().equals("TooLarge")));
        assertEquals(10, reported.outcomes().sources().size());
        assertTrue(reported.outcomes().sources().values().stream().allMatch(s -> s.outcomes().discards().size() == 20));
        assertTrue(reportedBytes <= StateBudget.STATE_LIMIT, "the Lambda result Step Functions takes: " + reportedBytes);
        assertTrue(outcomeBytes <= 10L * StateBudget.OUTCOMES_PER_MESSAGE, "what the share reserved for it: " + outcomeBytes);
    }

    @Test
    void aSourceWithAnOutcomeTopicPaysForItsSummaryFromEachMessagesShare() throws Exception {
        int most = (StateBudget.STATE_LIMIT - StateBudget.RESERVE) / 10;
        int plainMost = most / StateBudget.PER_DISCARD;
        int reportedMost = (most - StateBudget.OUTCOMES_PER_MESSAGE) / StateBudget.PER_DISCARD;
        System.out.printf("entries of at most %d bytes of state per message: %d, %d with an outcome topic%n",
                StateBudget.PER_DISCARD, plainMost, reportedMost);
        // One entry more than the share can report is one TooLarge for the whole message.
        assertEquals(10, validate(true).handle(batch(reportedMost + 1)).discards().size());
        assertEquals(10 * (reportedMost + 1), validate(false).handle(batch(reportedMost + 1)).discards().size());
    }
}
