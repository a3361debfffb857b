package com.proxylity.packetsource.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.contract.MessageSchema;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.testevents.TestSigning;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validate's output carries each accepted message's publish time and source rate for the steps after it. */
class ValidatedMessageTest {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void eachMessageWhoseBodyPassedCarriesItsPublishTimeAndRate() {
        var registry = StagesTest.registry().put(new PacketSource("arn:r", "udp", true, null, 0, 7));
        ValidateStage v = new ValidateStage(registry, "us-west-2", Clock.fixed(NOW, ZoneOffset.UTC), new MessageSchema(), TestSigning.get().verifier());
        ValidateOutput out = v.validate(List.of(
                new SqsRecord("a", StagesTest.envelope("Notification", "arn:r", StagesTest.BODY, NOW.minusSeconds(2))),
                new SqsRecord("b", StagesTest.envelope("Notification", "arn:t", "{\"Messages\":1}", NOW)),
                new SqsRecord("c", StagesTest.envelope("SubscriptionConfirmation", "arn:t", "confirm", NOW)),
                new SqsRecord("d", StagesTest.envelope("Notification", "arn:t", StagesTest.BODY, NOW))));
        assertEquals(Map.of(
                "a", new ValidatedMessage("arn:r", NOW.minusSeconds(2).toEpochMilli(), 7, null, "sns-1", null),
                "d", new ValidatedMessage("arn:t", NOW.toEpochMilli(), 0, null, "sns-1", null)), out.messages());
        assertEquals(List.of("a", "d"), List.copyOf(out.messages().keySet()));
        // The message whose body failed the schema is still its source's: its outcome is the owner's to see.
        assertEquals(List.of("a", "b", "d"), List.copyOf(out.owners().keySet()));
    }

    @Test
    void aBareBodyHasNoPublishTime() {
        var registry = StagesTest.registry();
        ValidateStage v = new ValidateStage(registry, null, Clock.fixed(NOW, ZoneOffset.UTC), new MessageSchema(), TestSigning.get().verifier());
        ValidateOutput out = v.validateBody("f", StagesTest.BODY, registry.packetSource("arn:t").orElseThrow(),
                registry.listener("udp").orElseThrow());
        assertEquals(Map.of("f", new ValidatedMessage("arn:t", null, 0)), out.messages());
    }
}
