package com.proxylity.packetsource.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.MessageSchema;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.snsauth.BadSignatureException;
import com.proxylity.packetsource.core.snsauth.SigningCertificateSource;
import com.proxylity.packetsource.core.snsauth.SnsSignatureVerifier;
import com.proxylity.packetsource.core.testevents.TestSigning;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The signature is checked before the registry is asked anything about the topic an envelope names. */
class ValidateSignatureTest {
    static final ObjectMapper M = new ObjectMapper();
    static final Instant NOW = Instant.parse("2026-11-25T08:01:00Z");
    static final String VICTIM = "arn:aws:sns:us-west-2:111122223333:victim";
    static final String THIEF = "arn:aws:sns:us-west-2:444455556666:thief";

    /** Records every topic the stage looks up: a forged envelope must not appear here. */
    static final class RecordingRegistry implements Registry {
        final Registry inner;
        final List<String> asked = new ArrayList<>();

        RecordingRegistry(Registry inner) {
            this.inner = inner;
        }

        @Override
        public Optional<PacketSource> packetSource(String topicArn) {
            asked.add(topicArn);
            return inner.packetSource(topicArn);
        }

        @Override
        public Optional<Listener> listener(String name) {
            return inner.listener(name);
        }
    }

    static RecordingRegistry registry() {
        return new RecordingRegistry(new InMemoryRegistry(StagesTest.registry().listener("udp").stream().toList(),
                List.of(new PacketSource(VICTIM, "udp", true, null, 0, 0))));
    }

    static ObjectNode envelope(String topic) {
        ObjectNode n = M.createObjectNode().put("Type", "Notification").put("MessageId", "sns-1").put("TopicArn", topic)
                .put("Message", StagesTest.BODY).put("Timestamp", NOW.toString());
        n.putObject("MessageAttributes").putObject("EgressRegion").put("Type", "String").put("Value", "us-west-2");
        return n;
    }

    static ValidateStage stage(Registry registry) {
        return new ValidateStage(registry, "us-west-2", Clock.fixed(NOW, ZoneOffset.UTC), new MessageSchema(),
                TestSigning.get().verifier());
    }

    @Test
    void aForgedEnvelopeNamingAnotherTopicIsBadSignatureAndNeverAttributed() throws Exception {
        RecordingRegistry registry = registry();
        // Signed for the thief's own topic, then renamed; and the same without any signature.
        ObjectNode renamed = (ObjectNode) M.readTree(TestSigning.get().sign(envelope(THIEF).toString()));
        renamed.put("TopicArn", VICTIM);
        ObjectNode unsigned = envelope(VICTIM);
        ValidateOutput out = stage(registry).validate(List.of(
                new SqsRecord("forged", renamed.toString()), new SqsRecord("unsigned", unsigned.toString()),
                new SqsRecord("genuine", TestSigning.get().sign(envelope(VICTIM).toString()))));
        assertEquals(List.of(new Discard("forged", DiscardReason.BadSignature, "signature does not match the envelope"),
                new Discard("unsigned", DiscardReason.BadSignature, "unsigned: no SignatureVersion")), out.discards());
        assertEquals(List.of(VICTIM), registry.asked, "only the genuine envelope reached the registry");
        assertEquals(1, out.entries().size());
        assertTrue(out.entries().get(0).id().startsWith("genuine/"));
        assertEquals(List.of("genuine"), List.copyOf(out.messages().keySet()));
    }

    @Test
    void aRawDeliveredRecordIsRefused() {
        RecordingRegistry registry = registry();
        ValidateOutput out = stage(registry).validate(List.of(new SqsRecord("raw", StagesTest.BODY)));
        assertEquals(DiscardReason.BadSignature, out.discards().get(0).reason());
        assertTrue(out.entries().isEmpty() && registry.asked.isEmpty());
    }

    @Test
    void anUnverifiedConfirmationIsNeverAControl() throws Exception {
        RecordingRegistry registry = registry();
        ObjectNode confirm = M.createObjectNode().put("Type", "SubscriptionConfirmation").put("MessageId", "c")
                .put("TopicArn", THIEF).put("Message", "confirm").put("Timestamp", NOW.toString())
                .put("SubscribeURL", "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription").put("Token", "t");
        ObjectNode forged = (ObjectNode) M.readTree(TestSigning.get().sign(confirm.toString()));
        forged.put("TopicArn", VICTIM);
        ValidateOutput out = stage(registry).validate(List.of(new SqsRecord("c", forged.toString())));
        assertTrue(out.controls().isEmpty());
        assertEquals(DiscardReason.BadSignature, out.discards().get(0).reason());
        assertTrue(registry.asked.isEmpty());
    }

    @Test
    void aCertificateThatCannotBeFetchedNowFailsTheBatchRatherThanDiscarding() {
        SigningCertificateSource down = url -> {
            throw new com.proxylity.packetsource.core.snsauth.SigningCertificateUnavailableException("timed out", null);
        };
        ValidateStage stage = new ValidateStage(registry(), "us-west-2", Clock.fixed(NOW, ZoneOffset.UTC),
                new MessageSchema(), new SnsSignatureVerifier(down));
        assertThrows(com.proxylity.packetsource.core.snsauth.SigningCertificateUnavailableException.class, () -> stage.validate(List.of(
                new SqsRecord("m", TestSigning.get().sign(envelope(VICTIM).toString())))));
    }

    @Test
    void anUntrustedCertificateIsOneDiscardAndSiblingsGoOn() {
        SigningCertificateSource refusesOne = url -> {
            throw new BadSignatureException("certificate not trusted");
        };
        ValidateStage stage = new ValidateStage(registry(), "us-west-2", Clock.fixed(NOW, ZoneOffset.UTC),
                new MessageSchema(), new SnsSignatureVerifier(refusesOne));
        ValidateOutput out = stage.validate(List.of(new SqsRecord("m", TestSigning.get().sign(envelope(VICTIM).toString())),
                new SqsRecord("n", "not json")));
        assertEquals(List.of(DiscardReason.BadSignature, DiscardReason.MalformedMessage),
                out.discards().stream().map(Discard::reason).toList());
    }
}
