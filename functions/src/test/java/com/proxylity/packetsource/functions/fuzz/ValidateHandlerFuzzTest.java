package com.proxylity.packetsource.functions.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.pipeline.EntryId;
import com.proxylity.packetsource.core.snsauth.SignatureVersion;
import com.proxylity.packetsource.core.testevents.TestSigning;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.functions.Validate;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.ratelimit.TokenBucketRateLimiter;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.proxylity.packetsource.functions.state.StateJson;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The whole Validate handler, as Lambda calls it (the Pipe's batch as JSON bytes in, the state
 * out), driven with structure-aware batches: up to ten records whose SQS fields, SNS envelope
 * fields and message entries each take a value from its extremes (at and beyond every bound,
 * wrong types, absent) or one the fuzzer makes up. Properties, for every batch:
 * <ul>
 *   <li>the handler returns (the registry here never fails, so nothing may fail the batch);</li>
 *   <li>every record with a messageId ends with at least one outcome of its own, unless it was one
 *       of SNS's control messages (confirmed, refused or counted as ignored, never a packet);</li>
 *   <li>no outcome names a record that is not in the batch.</li>
 * </ul>
 * {@link #extremes()} runs the same property over every extreme of every field in turn, so the
 * normal build covers them without the fuzzer; {@code bin/fuzz} explores (docs/fuzzing.md).
 */
class ValidateHandlerFuzzTest {
    static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");
    static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:fuzz";
    static final String WG_TOPIC = "arn:aws:sns:us-east-1:111122223333:fuzz-wg";
    static final String FOREIGN_TOPIC = "arn:aws:sns:us-east-1:444455556666:foreign";
    static final InMemoryRegistry REGISTRY = new InMemoryRegistry()
            .put(new Listener("u", ListenerType.UDP, 5683, List.of(), null, "http://127.0.0.1:1").ownedBy("acme"))
            .put(new Listener("w", ListenerType.WG_DECAP, 51820, List.of(), "k", "http://127.0.0.1:1").ownedBy("acme"))
            .put(new Listener("other", ListenerType.UDP, 5684, List.of(), null, "http://127.0.0.1:1").ownedBy("evil"))
            .put(new PacketSource(TOPIC, "u", true, null, 300, 50, "acme"))
            .put(new PacketSource(WG_TOPIC, "w", true, "hex", 0, 0, "acme"))
            .put(new PacketSource(FOREIGN_TOPIC, "other", true, null, 0, 0, "acme"));

    /** Each field's values at and beyond its bounds; null means the field is absent. */
    static final List<JsonNode> TIMESTAMPS = List.of(text("2026-11-25T08:00:00.000Z"), text("1970-01-01T00:00:00Z"),
            text("9999-12-31T23:59:59.999Z"), text("+10000-01-01T00:00:00Z"), text("+1000000000-12-31T23:59:59.999999999Z"),
            text("-1000000000-01-01T00:00:00Z"), text("+292278994-08-17T07:12:55.808Z"), text("1969-12-31T23:59:59Z"),
            text("2026-02-30T00:00:00Z"), text(""), F.numberNode(Long.MAX_VALUE), F.nullNode());
    static final List<JsonNode> TOPICS = List.of(text(TOPIC), text(WG_TOPIC), text(FOREIGN_TOPIC),
            text("arn:aws:sns:us-east-1:111122223333:unknown"), text("x".repeat(3000)), text(""), F.numberNode(1), F.nullNode());
    static final List<JsonNode> TYPES = List.of(text("Notification"), text("SubscriptionConfirmation"),
            text("UnsubscribeConfirmation"), text("notification"), F.numberNode(0), F.nullNode());
    static final List<JsonNode> REGIONS = List.of(text("us-east-1"), text("eu-west-1"), text(""), text("x".repeat(300)), F.nullNode());
    static final List<JsonNode> NUMBERS = List.of(F.numberNode(1), F.numberNode(65535), F.numberNode(0), F.numberNode(65536),
            F.numberNode(-1), F.numberNode(Long.MAX_VALUE), F.numberNode(Long.MIN_VALUE), F.numberNode(new java.math.BigInteger("1" + "0".repeat(400))),
            F.numberNode(new java.math.BigDecimal("1e400")), F.numberNode(new java.math.BigDecimal("-1e-400")), F.numberNode(1.5),
            F.numberNode(-0.0), text("5683"), F.nullNode());
    static final List<JsonNode> ADDRESSES = List.of(text("203.0.113.9"), text("2001:db8::1"), text("::ffff:203.0.113.9"),
            text("169.254.169.254"), text("999.1.1.1"), text("a".repeat(70_000)), text(""), F.numberNode(1), F.nullNode());
    static final List<JsonNode> DATA = List.of(text("aGk="), text(""), text("x".repeat(200_000)), text("!!"), F.numberNode(1),
            F.arrayNode(), F.nullNode());
    static final List<JsonNode> FORMATTERS = List.of(text("base64"), text("hex"), text("coap"), text("utf8"), text("ascii"),
            text("nope"), F.numberNode(1), F.nullNode());
    static final List<JsonNode> RECEIVE_COUNTS = List.of(text("1"), text("2"), text("99999999999999999999999"), text("-1"),
            F.numberNode(Long.MAX_VALUE), text("x"), F.nullNode());

    private static JsonNode text(String s) {
        return F.textNode(s);
    }

    /** The field values one record is built from. */
    record Choice(JsonNode type, JsonNode topic, JsonNode timestamp, JsonNode region, JsonNode address, JsonNode port,
                  JsonNode data, JsonNode formatter, JsonNode receiveCount, int entries) {}

    static Choice typical() {
        return new Choice(TYPES.get(0), TOPICS.get(0), TIMESTAMPS.get(0), REGIONS.get(0), ADDRESSES.get(0), NUMBERS.get(0),
                DATA.get(0), FORMATTERS.get(0), RECEIVE_COUNTS.get(0), 1);
    }

    static ObjectNode record(String messageId, Choice c) {
        ObjectNode env = F.objectNode();
        put(env, "Type", c.type());
        env.put("MessageId", "6f0c2d6e-0000-4000-8000-000000000000");
        put(env, "TopicArn", c.topic());
        put(env, "Timestamp", c.timestamp());
        env.put("SubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription");
        env.put("Token", "tok");
        if (c.region() != null && !c.region().isNull()) {
            env.putObject("MessageAttributes").putObject("EgressRegion").put("Type", "String").set("Value", c.region());
        }
        ObjectNode body = F.objectNode();
        ArrayNode list = body.putArray("Messages");
        for (int i = 0; i < c.entries(); i++) {
            ObjectNode e = list.addObject();
            put(e, "Data", c.data());
            put(e, "Formatter", c.formatter());
            ObjectNode remote = e.putObject("Remote");
            put(remote, "Address", c.address());
            put(remote, "Port", c.port());
            remote.put("PeerKey", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
            ObjectNode inner = e.putObject("Inner");
            put(inner, "SourceAddress", c.address());
            put(inner, "SourcePort", c.port());
            inner.put("DestinationAddress", "10.0.0.2");
            put(inner, "DestinationPort", c.port());
        }
        env.put("Message", body.toString());
        // Signed with the test key wherever the fields can be signed, so the batch reaches past
        // the signature check to every later one; an envelope that cannot be is sent unsigned.
        try {
            env = TestSigning.get().signer(SignatureVersion.V1).sign(env);
        } catch (RuntimeException unsignable) {
            env.put("SignatureVersion", "1");
        }
        ObjectNode r = F.objectNode();
        if (messageId != null) r.put("messageId", messageId);
        r.put("body", env.toString());
        if (c.receiveCount() != null && !c.receiveCount().isNull()) r.putObject("attributes").set("ApproximateReceiveCount", c.receiveCount());
        return r;
    }

    private static void put(ObjectNode o, String field, JsonNode v) {
        if (v != null && !v.isNull()) o.set(field, v);
    }

    static Validate handler() {
        return new Validate(REGISTRY, "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC), (t, k) -> { },
                new TokenBucketRateLimiter(Clock.fixed(NOW, ZoneOffset.UTC)), new StateBudget(10), address -> true,
                Environment.pipelineMetrics(), TestSigning.get().verifier());
    }

    /** Runs one batch through the handler and checks the properties. */
    static void check(ArrayNode batch) {
        byte[] out;
        try {
            out = handler().handleJson(StateJson.MAPPER.writeValueAsBytes(batch));
        } catch (RuntimeException | java.io.IOException e) {
            throw new AssertionError("the handler failed a batch the registry could answer: " + e, e);
        }
        JsonNode state;
        try {
            state = StateJson.MAPPER.readTree(out);
        } catch (java.io.IOException e) {
            throw new AssertionError("the state is not JSON", e);
        }
        Set<String> ids = new LinkedHashSet<>();
        Set<String> confirmations = new HashSet<>();
        for (JsonNode r : batch) {
            if (!r.path("messageId").isTextual() || !EntryId.usableMessageId(r.get("messageId").asText())) {
                ids.add(EntryId.UNUSABLE_MESSAGE_ID);
                continue;
            }
            ids.add(r.get("messageId").asText());
            if (isControl(r.path("body").asText(""))) confirmations.add(r.get("messageId").asText());
        }
        Set<String> seen = new HashSet<>();
        List<JsonNode> outcomes = new ArrayList<>();
        state.path("Packets").forEach(outcomes::add);
        state.path("Discards").forEach(outcomes::add);
        for (JsonNode o : outcomes) {
            String id = o.path("Id").asText();
            String message = id.contains("/") ? id.substring(0, id.lastIndexOf('/')) : id;
            assertTrue(ids.contains(message), () -> "an outcome for a record not in the batch: " + id);
            seen.add(message);
        }
        for (String id : ids) {
            if (!seen.contains(id) && !id.equals(EntryId.UNUSABLE_MESSAGE_ID) && !confirmations.contains(id)) fail("record " + id + " ended with no outcome: " + batch);
        }
    }

    /** SNS's control messages end confirmed, refused or counted as ignored: no packet outcome. */
    private static boolean isControl(String body) {
        try {
            String type = StateJson.MAPPER.readTree(body).path("Type").asText("");
            return type.equals("SubscriptionConfirmation") || type.equals("UnsubscribeConfirmation");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Every extreme of every field, one field at a time, in the middle of a batch of good records. */
    @Test
    void extremes() {
        List<Choice> cases = new ArrayList<>();
        Choice t = typical();
        for (JsonNode v : TYPES) cases.add(new Choice(v, t.topic(), t.timestamp(), t.region(), t.address(), t.port(), t.data(), t.formatter(), t.receiveCount(), 1));
        for (JsonNode v : TOPICS) cases.add(new Choice(t.type(), v, t.timestamp(), t.region(), t.address(), t.port(), t.data(), t.formatter(), t.receiveCount(), 1));
        for (JsonNode v : TIMESTAMPS) cases.add(new Choice(t.type(), t.topic(), v, t.region(), t.address(), t.port(), t.data(), t.formatter(), t.receiveCount(), 1));
        for (JsonNode v : REGIONS) cases.add(new Choice(t.type(), t.topic(), t.timestamp(), v, t.address(), t.port(), t.data(), t.formatter(), t.receiveCount(), 1));
        for (JsonNode v : ADDRESSES) cases.add(new Choice(t.type(), TOPICS.get(1), t.timestamp(), t.region(), v, t.port(), t.data(), t.formatter(), t.receiveCount(), 1));
        for (JsonNode v : NUMBERS) cases.add(new Choice(t.type(), TOPICS.get(1), t.timestamp(), t.region(), t.address(), v, t.data(), t.formatter(), t.receiveCount(), 1));
        for (JsonNode v : DATA) cases.add(new Choice(t.type(), t.topic(), t.timestamp(), t.region(), t.address(), t.port(), v, t.formatter(), t.receiveCount(), 1));
        for (JsonNode v : FORMATTERS) cases.add(new Choice(t.type(), t.topic(), t.timestamp(), t.region(), t.address(), t.port(), t.data(), v, t.receiveCount(), 1));
        for (JsonNode v : RECEIVE_COUNTS) cases.add(new Choice(t.type(), t.topic(), t.timestamp(), t.region(), t.address(), t.port(), t.data(), t.formatter(), v, 1));
        for (int n : new int[] {0, 499, 500, 501}) cases.add(new Choice(t.type(), t.topic(), t.timestamp(), t.region(), t.address(), t.port(), t.data(), t.formatter(), t.receiveCount(), n));
        for (Choice c : cases) {
            ArrayNode batch = F.arrayNode();
            for (int i = 0; i < 4; i++) batch.add(record("good-" + i, typical()));
            batch.add(record("odd", c));
            for (int i = 4; i < 9; i++) batch.add(record("good-" + i, typical()));
            check(batch);
            JsonNode state;
            try {
                state = StateJson.MAPPER.readTree(handler().handleJson(StateJson.MAPPER.writeValueAsBytes(batch)));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            long goodSent = 0;
            for (JsonNode p : state.path("Packets")) if (p.path("Id").asText().startsWith("good-")) goodSent++;
            assertEquals(9, goodSent, () -> "the nine neighbours of " + c + " still go");
        }
    }

    private static JsonNode pick(FuzzedDataProvider d, List<JsonNode> values) {
        return d.consumeBoolean() ? d.pickValue(values) : text(d.consumeString(64));
    }

    /** Structure-aware batches: the fuzzer picks each field from its extremes or makes one up. */
    @FuzzTest(maxDuration = "30s")
    void envelope(FuzzedDataProvider d) {
        ArrayNode batch = F.arrayNode();
        int n = d.consumeInt(1, 10);
        for (int i = 0; i < n; i++) {
            String id = d.consumeBoolean() ? "m-" + d.consumeInt(0, 3) : d.consumeBoolean() ? null : d.consumeString(40);
            if (d.consumeInt(0, 9) == 0) {
                ObjectNode raw = F.objectNode();
                if (id != null) raw.put("messageId", id);
                raw.put("body", d.consumeString(2000));
                batch.add(raw);
                continue;
            }
            batch.add(record(id, new Choice(pick(d, TYPES), pick(d, TOPICS), pick(d, TIMESTAMPS), pick(d, REGIONS),
                    pick(d, ADDRESSES), pick(d, NUMBERS), pick(d, DATA), pick(d, FORMATTERS), pick(d, RECEIVE_COUNTS),
                    d.consumeInt(0, 3))));
        }
        check(batch);
    }
}
