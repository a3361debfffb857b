package com.proxylity.packetsource.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.contract.MessageSchema;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.testevents.TestSigning;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the entries hold, every entry ends as exactly one outcome (a packet or a discard),
 * nothing throws, and a message that cannot be read is exactly one MalformedMessage.
 */
class EveryEntryEndsOncePropertiesTest {
    static final ObjectMapper M = new ObjectMapper();
    static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final String[] FIELDS = {"Data", "Formatter", "Remote", "Inner", "Remote.Address", "Remote.Port",
            "Remote.PeerKey", "Inner.SourceAddress", "Inner.SourcePort", "Inner.DestinationAddress",
            "Inner.DestinationPort", "Inner.Version", "Inner.Protocol"};

    static final MessageSchema SCHEMA = new MessageSchema();
    static final java.util.Map<ListenerType, PurePipeline> PIPELINES = new java.util.EnumMap<>(ListenerType.class);

    static synchronized PurePipeline pipeline(ListenerType type) {
        return PIPELINES.computeIfAbsent(type, EveryEntryEndsOncePropertiesTest::build);
    }

    static PurePipeline build(ListenerType type) {
        InMemoryRegistry r = new InMemoryRegistry()
                .put(new Listener("l", type, 1, List.of(), null, null))
                .put(new PacketSource("arn:t", "l", true, null, 0, 0));
        return new PurePipeline(new ValidateStage(r, "us-west-2", Clock.systemUTC(), SCHEMA, TestSigning.get().verifier()),
                new AdmitStage(new StateBudget(DeploymentNumbers.PIPE_BATCH_SIZE), RateLimiter.UNLIMITED),
                new FormatStage(DefaultEgressPolicy.standard()));
    }

    static ObjectNode goodEntry() {
        ObjectNode e = F.objectNode().put("Data", "AQID").put("Formatter", "base64");
        e.putObject("Remote").put("Address", "203.0.113.5").put("Port", 51820)
                .put("PeerKey", "vblMc9U8RAI6cVopcKEMTVT6lVC3D9nTTMSwot5d3L4=");
        e.putObject("Inner").put("SourceAddress", "10.0.0.1").put("SourcePort", 53)
                .put("DestinationAddress", "10.0.0.2").put("DestinationPort", 9);
        return e;
    }

    @Provide
    Arbitrary<JsonNode> values() {
        return Arbitraries.oneOf(
                Arbitraries.just(F.nullNode()),
                Arbitraries.integers().map(i -> (JsonNode) F.numberNode(i)),
                Arbitraries.longs().map(l -> (JsonNode) F.numberNode(l)),
                Arbitraries.doubles().map(d -> (JsonNode) F.numberNode(d)),
                Arbitraries.of(true, false).map(b -> (JsonNode) F.booleanNode(b)),
                Arbitraries.strings().ofMaxLength(60).map(s -> (JsonNode) F.textNode(s)),
                Arbitraries.of("base64", "hex", "coap", "utf8", "ascii", "::1", "10.0.0.1", "2001:db8::1",
                        "::ffff:10.0.0.1", "203.0.113.1", "AQ==", "zz", "{\"Type\":0,\"Code\":1,\"MessageId\":1}")
                        .map(s -> (JsonNode) F.textNode(s)),
                Arbitraries.create(() -> (JsonNode) F.arrayNode()),
                Arbitraries.create(() -> (JsonNode) F.objectNode().put("Nested", 1)));
    }

    @Provide
    Arbitrary<ObjectNode> entries() {
        Arbitrary<String> field = Arbitraries.of(FIELDS);
        return Arbitraries.lazy(() -> field.list().ofMaxSize(4).flatMap(fields ->
                values().list().ofSize(fields.size()).map(vals -> {
                    ObjectNode e = goodEntry();
                    for (int i = 0; i < fields.size(); i++) set(e, fields.get(i), vals.get(i));
                    return e;
                })));
    }

    @Provide
    Arbitrary<List<ObjectNode>> entryLists() {
        return entries().list().ofMinSize(1).ofMaxSize(6);
    }

    static void set(ObjectNode e, String path, JsonNode value) {
        String[] p = path.split("\\.");
        if (p.length == 1) {
            e.set(p[0], value);
        } else if (e.get(p[0]) instanceof ObjectNode o) {
            o.set(p[1], value);
        }
    }

    @Property(tries = 200)
    void everyEntryEndsExactlyOnce(@ForAll("entryLists") List<ObjectNode> entries,
                                   @ForAll ListenerType type) throws Exception {
        ObjectNode body = F.objectNode();
        ArrayNode list = body.putArray("Messages");
        entries.forEach(list::add);
        ObjectNode env = F.objectNode().put("Type", "Notification").put("MessageId", "s").put("TopicArn", "arn:t")
                .put("Message", M.writeValueAsString(body)).put("Timestamp", "2026-11-25T08:00:00Z");
        env.putObject("MessageAttributes").putObject("EgressRegion").put("Type", "String").put("Value", "us-west-2");

        List<PurePipeline.Outcome> out = pipeline(type).run(List.of(new SqsRecord("m",
                TestSigning.get().sign(M.writeValueAsString(env)))));
        assertEquals(entries.size(), out.size());
        Set<String> ids = new HashSet<>();
        for (PurePipeline.Outcome o : out) {
            assertTrue(ids.add(o.id()));
            if (o instanceof PurePipeline.Packet p) {
                assertTrue(p.packet().payload().length <= type.maxInnerPacket());
            }
        }
        for (int i = 0; i < entries.size(); i++) assertTrue(ids.contains("m/" + i));
    }

    @Property(tries = 100)
    void unreadableBodiesAreOneMalformedMessage(@ForAll("garbage") String body) throws Exception {
        ObjectNode env = F.objectNode().put("Type", "Notification").put("MessageId", "s").put("TopicArn", "arn:t")
                .put("Message", body).put("Timestamp", "2026-11-25T08:00:00Z");
        List<PurePipeline.Outcome> out = pipeline(ListenerType.UDP).run(List.of(new SqsRecord("m",
                TestSigning.get().sign(M.writeValueAsString(env)))));
        assertEquals(1, out.size());
        assertEquals(DiscardReason.MalformedMessage, ((PurePipeline.Discarded) out.get(0)).discard().reason());
        // Unsigned, the same body is one discard too: unreadable, or not signed by SNS.
        out = pipeline(ListenerType.UDP).run(List.of(new SqsRecord("m", body)));
        assertEquals(1, out.size());
        DiscardReason r = ((PurePipeline.Discarded) out.get(0)).discard().reason();
        assertTrue(r == DiscardReason.MalformedMessage || r == DiscardReason.BadSignature, r.name());
    }

    @Provide
    Arbitrary<String> garbage() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.of("{", "[", "null", "1", "\"x\"", "{\"Messages\":null}", "{\"Messages\":[1]}",
                        "{\"Messages\":[]}", "{\"Messages\":[{}],}", "{\"Messages\":[{\"a\":1}]} x"));
    }
}
