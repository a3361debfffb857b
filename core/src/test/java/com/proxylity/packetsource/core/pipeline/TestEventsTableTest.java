package com.proxylity.packetsource.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.MessageSchema;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.testevents.TestEvents;
import com.proxylity.packetsource.core.testevents.TestSigning;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file of test-events/ through Validate + Format must give exactly the manifest's outcomes. */
class TestEventsTableTest {
    static final TestEvents EVENTS = TestEvents.load();
    static final Clock NOW = Clock.fixed(Instant.parse("2026-11-25T08:01:00Z"), ZoneOffset.UTC);
    static final PurePipeline PIPELINE = new PurePipeline(
            new ValidateStage(EVENTS.registry(), EVENTS.region(), NOW, new MessageSchema(), TestSigning.get().verifier()),
            TestEvents.admit(), new FormatStage(DefaultEgressPolicy.standard()));

    static Stream<String> files() {
        return EVENTS.files().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void eachFileGivesItsManifestOutcomes(String file) {
        List<PurePipeline.Outcome> outcomes = PIPELINE.run(EVENTS.records(file));
        Map<String, JsonNode> actual = new LinkedHashMap<>();
        for (PurePipeline.Outcome o : outcomes) {
            assertFalse(actual.containsKey(o.id()), "one outcome per Id: " + o.id());
            actual.put(o.id(), TestEvents.manifestForm(o));
        }
        Map<String, JsonNode> expected = EVENTS.expected(file);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), "Ids in order");
        expected.forEach((id, want) -> assertEquals(want, actual.get(id), file + " " + id));
    }

    /** A bad-X file shows reason X and still sends its good siblings. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void badFilesNameTheirReasonAndKeepSiblings(String file) {
        if (!file.startsWith("bad-")) return;
        String reason = file.substring(4).replaceFirst("[-.].*", "");
        DiscardReason.valueOf(reason);
        Map<String, JsonNode> expected = EVENTS.expected(file);
        assertTrue(expected.values().stream().anyMatch(o -> reason.equals(o.path("Reason").asText())), file);
        assertTrue(expected.values().stream().anyMatch(o -> "Sent".equals(o.path("Outcome").asText())),
                file + " needs a good sibling");
        assertTrue(expected.values().stream().allMatch(o -> "Sent".equals(o.path("Outcome").asText())
                || reason.equals(o.path("Reason").asText())), file + " has only its own reason");
    }

    @Test
    void everyReasonThePureCoreCanGiveHasAFile() {
        for (DiscardReason r : List.of(DiscardReason.MalformedMessage, DiscardReason.UnknownTopic,
                DiscardReason.SourceDisabled, DiscardReason.BadFormatter, DiscardReason.DecodeError,
                DiscardReason.MalformedRemote, DiscardReason.EgressDenied, DiscardReason.AddressFamilyUnreachable,
                DiscardReason.TooLarge,
                DiscardReason.MissingInner, DiscardReason.Stale, DiscardReason.BadSignature)) {
            assertTrue(EVENTS.files().contains("bad-" + r + ".json"), r.name());
        }
    }
}
