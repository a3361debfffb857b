package com.proxylity.packetsource.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.contract.MessageSchema;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.core.testevents.TestSigning;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StagesTest {
    static final ObjectMapper M = new ObjectMapper();
    static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String KEY_A = "vblMc9U8RAI6cVopcKEMTVT6lVC3D9nTTMSwot5d3L4=";
    static final String KEY_B = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    static ReadyPacket packet(String id, String listener, ListenerType type, String key, int size) {
        return new ReadyPacket(id, listener, type, "203.0.113.1", 51820, key, new byte[size]);
    }

    @Test
    void lookupScopesSessionsToTheListenerAndChecksExpiry() {
        InMemorySessionDirectory dir = new InMemorySessionDirectory();
        dir.put(new SessionRecord("wg-a", KEY_A, "198.51.100.1:40000", "sender-1", NOW.minusSeconds(10), NOW.plusSeconds(170)));
        dir.put(new SessionRecord("wg-b", KEY_B, "198.51.100.2:40000", "sender-1", NOW.minusSeconds(200), NOW.minusSeconds(20)));
        List<ReadyPacket> in = List.of(
                packet("m/0", "wg-a", ListenerType.WG, KEY_A, 10),
                packet("m/1", "wg-a", ListenerType.WG, KEY_B, 10), // B's session is on another Listener
                packet("m/2", "wg-b", ListenerType.WG_DECAP, KEY_B, 10),
                packet("m/3", "udp", ListenerType.UDP, null, 10),
                packet("m/4", "wg-a", ListenerType.WG, KEY_A, 10));
        PacketsOutput out = new LookupSessionsStage(dir, CLOCK).lookup(in);
        assertEquals(List.of("m/0", "m/3", "m/4"), out.packets().stream().map(ReadyPacket::id).toList());
        assertEquals(List.of(new Discard("m/1", DiscardReason.NoSession, out.discards().get(0).detail()),
                new Discard("m/2", DiscardReason.SessionExpired, out.discards().get(1).detail())), out.discards());
    }

    @Test
    void batchGroupsByListenerKeepsOrderAndSplits() {
        List<ReadyPacket> in = new ArrayList<>();
        for (int i = 0; i < 7; i++) in.add(packet("m/" + i, i % 2 == 0 ? "a" : "b", ListenerType.UDP, null, 100));
        List<PacketBatch> out = new BatchStage(3, 1_000_000).batch(in);
        assertEquals(List.of("a", "a", "b"), out.stream().map(PacketBatch::listener).toList());
        assertEquals(List.of("m/0", "m/2", "m/4"), out.get(0).packets().stream().map(ReadyPacket::id).toList());
        assertEquals(List.of("m/6"), out.get(1).packets().stream().map(ReadyPacket::id).toList());
        assertEquals(List.of("m/1", "m/3", "m/5"), out.get(2).packets().stream().map(ReadyPacket::id).toList());

        // By size: each 3000-byte payload is ~4000 base64 chars + overhead; 10 KB fits two.
        List<ReadyPacket> big = new ArrayList<>();
        for (int i = 0; i < 5; i++) big.add(packet("n/" + i, "a", ListenerType.UDP, null, 3000));
        assertEquals(List.of(2, 2, 1), new BatchStage(100, 10_000).batch(big).stream().map(b -> b.packets().size()).toList());
        // A single packet larger than the size bound still goes, alone.
        assertEquals(1, new BatchStage(100, 10).batch(big.subList(0, 1)).size());
        assertTrue(new BatchStage().batch(List.of()).isEmpty());
    }

    @Test
    void aRecordIsNeverCutByItsNeighboursSoItsBatchIsTheSameWhenRedeliveredAlone() {
        // Three records of 60 packets, batches of 100: a record that does not fit starts a new batch.
        List<ReadyPacket> in = new ArrayList<>();
        for (String m : List.of("a", "b", "c")) {
            for (int i = 0; i < 60; i++) in.add(packet(m + "/" + i, "l", ListenerType.UDP, null, 10));
        }
        List<PacketBatch> out = new BatchStage(100, 1_000_000).batch(in);
        assertEquals(List.of(60, 60, 60), out.stream().map(b -> b.packets().size()).toList());
        // Record b redelivered alone makes exactly the batch it travelled in before.
        assertEquals(out.get(1).packets(), new BatchStage(100, 1_000_000).batch(in.subList(60, 120)).get(0).packets());
        // Small records still share a batch.
        assertEquals(1, new BatchStage(100, 1_000_000).batch(List.of(packet("x/0", "l", ListenerType.UDP, null, 10),
                packet("y/0", "l", ListenerType.UDP, null, 10))).size());
        // A record larger than a batch is cut from its own first packet, whatever precedes it.
        List<ReadyPacket> huge = new ArrayList<>(in.subList(0, 10));
        for (int i = 0; i < 150; i++) huge.add(packet("h/" + i, "l", ListenerType.UDP, null, 10));
        assertEquals(List.of(10, 100, 50), new BatchStage(100, 1_000_000).batch(huge).stream()
                .map(b -> b.packets().size()).toList());
    }

    static InMemoryRegistry registry() {
        return new InMemoryRegistry()
                .put(new Listener("udp", ListenerType.UDP, 5683, List.of(), null, null))
                .put(new PacketSource("arn:t", "udp", true, null, 60, 0))
                .put(new PacketSource("arn:orphan", "missing-listener", true, null, 0, 0));
    }

    static String envelope(String type, String topic, String message, Instant ts) {
        ObjectNode n = M.createObjectNode().put("Type", type).put("MessageId", "sns-1").put("TopicArn", topic)
                .put("Message", message).put("Timestamp", ts.toString())
                .put("SubscribeURL", "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription").put("Token", "tok");
        n.putObject("MessageAttributes").putObject("EgressRegion").put("Type", "String").put("Value", "us-west-2");
        return TestSigning.get().sign(n.toString());
    }

    static final String BODY = "{\"Messages\":[{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"203.0.113.1\",\"Port\":9}}]}";

    @Test
    void validateControlsStaleBoundaryAndOrphanSources() {
        ValidateStage v = new ValidateStage(registry(), "us-west-2", CLOCK, new MessageSchema(), TestSigning.get().verifier());
        ValidateOutput out = v.validate(List.of(
                new SqsRecord("r0", envelope("SubscriptionConfirmation", "arn:t", "confirm", NOW)),
                new SqsRecord("r1", envelope("SubscriptionConfirmation", "arn:unknown", "confirm", NOW)),
                new SqsRecord("r2", envelope("UnsubscribeConfirmation", "arn:t", "bye", NOW)),
                new SqsRecord("r3", envelope("Notification", "arn:t", BODY, NOW.minusSeconds(60))),
                new SqsRecord("r4", envelope("Notification", "arn:t", BODY, NOW.minusSeconds(61))),
                new SqsRecord("r5", envelope("Notification", "arn:orphan", BODY, NOW)),
                new SqsRecord("r6", null)));
        assertEquals(List.of("r0", "r2"), out.controls().stream().map(Control::id).toList());
        assertEquals("SubscriptionConfirmation", out.controls().get(0).type());
        assertEquals("tok", out.controls().get(0).token());
        assertEquals(List.of("r3/0"), out.entries().stream().map(ValidatedEntry::id).toList());
        assertEquals(List.of("r1:UnknownTopic", "r4:Stale", "r5:UnknownTopic", "r6:MalformedMessage"),
                out.discards().stream().map(d -> d.id() + ":" + d.reason()).toList());
    }

    /** Stage outputs cross Step Functions states as JSON: they must survive the round trip. */
    @Test
    void stageOutputsRoundTripThroughJson() throws Exception {
        ValidateStage v = new ValidateStage(registry(), "us-west-2", CLOCK, new MessageSchema(), TestSigning.get().verifier());
        ValidateOutput vo = v.validate(List.of(new SqsRecord("r", envelope("Notification", "arn:t", BODY, NOW))));
        String vj = M.writeValueAsString(vo);
        assertTrue(vj.contains("\"ListenerType\":\"udp\""), vj);
        ValidateOutput back = M.readValue(vj, ValidateOutput.class);
        assertEquals(vo, back);

        PacketsOutput fo = new FormatStage(DefaultEgressPolicy.standard()).format(back.entries());
        String fj = M.writeValueAsString(fo);
        assertTrue(fj.contains("\"Payload\":\"AQ==\""), fj);
        assertEquals(fo, M.readValue(fj, PacketsOutput.class));

        List<PacketBatch> batches = new BatchStage().batch(fo.packets());
        String bj = M.writeValueAsString(batches);
        assertEquals(batches, List.of(M.readValue(bj, PacketBatch[].class)));
        assertFalse(fo.packets().get(0).toString().contains("AQ=="), "toString hides payload");
    }

    @Test
    void decoderMessagesLoseTheirDataBytes() {
        assertEquals("base64: Illegal base64 character", FormatStage.withoutData("base64: Illegal base64 character 2d"));
        assertEquals("hex: not a hexadecimal digit", FormatStage.withoutData("hex: not a hexadecimal digit: \"g\" = 103"));
        assertEquals("hex: string length not even: 3", FormatStage.withoutData("hex: string length not even: 3"));
    }
}
