package com.proxylity.packetsource.functions;

import static com.proxylity.packetsource.functions.testing.SqsEvents.body;
import static com.proxylity.packetsource.functions.testing.SqsEvents.entry;
import static com.proxylity.packetsource.functions.testing.SqsEvents.notification;
import static com.proxylity.packetsource.functions.testing.SqsEvents.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.registry.RegistryUnavailableException;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.core.pipeline.RateLimiter;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Validate handler where defects hid between customers and between the stage and its
 * handler: a Packet Source bound to a Listener its customer does not own (the registry changed
 * after Create, or was written by hand), and one record with an extreme value beside nine good
 * ones. Each ends as that record's own outcome; only the registry failing fails the batch.
 */
class ValidateBoundaryTest {
    static final String ACME_TOPIC = "arn:aws:sns:us-east-1:111122223333:acme";
    static final String EVIL_TOPIC = "arn:aws:sns:us-east-1:444455556666:evil";
    static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");

    static InMemoryRegistry registry() {
        return new InMemoryRegistry()
                .put(new Listener("acme-udp", ListenerType.UDP, 5683, List.of(), null, "http://127.0.0.1:1").ownedBy("acme"))
                .put(new Listener("evil-udp", ListenerType.UDP, 5684, List.of(), null, "http://127.0.0.1:1").ownedBy("evil"))
                .put(new PacketSource(ACME_TOPIC, "acme-udp", true, "utf8", 300, 0, "acme"))
                // What a registry write could leave: evil's source naming acme's Listener.
                .put(new PacketSource(EVIL_TOPIC, "acme-udp", true, "utf8", 300, 0, "evil"));
    }

    static Validate validate(Registry registry) {
        return new Validate(registry, "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC), (t, k) -> { },
                RateLimiter.UNLIMITED, new StateBudget(10), address -> true, Environment.pipelineMetrics(),
                com.proxylity.packetsource.core.testevents.TestSigning.get().verifier());
    }

    static ObjectNode one() {
        return entry("hi", null, "203.0.113.9", 5683, null);
    }

    static Validate.PipeBatch batch(List<JsonNode> records) {
        List<com.proxylity.packetsource.core.pipeline.SqsRecord> out = new ArrayList<>();
        for (JsonNode r : records) out.add(new com.proxylity.packetsource.core.pipeline.SqsRecord(r.get("messageId").asText(), r.get("body").asText()));
        return new Validate.PipeBatch(out);
    }

    @Test
    void aSourceWhoseListenerIsAnotherCustomersSendsNothing() {
        PacketsState r = validate(registry()).handle(batch(List.of(
                record("evil", notification(EVIL_TOPIC, "us-east-1", body(one()), NOW)),
                record("acme", notification(ACME_TOPIC, "us-east-1", body(one()), NOW)))));
        assertEquals(List.of("acme/0"), r.packets().stream().map(p -> p.id()).toList());
        assertEquals(1, r.discards().size());
        assertEquals("evil", r.discards().get(0).id());
        assertEquals(DiscardReason.UnknownTopic, r.discards().get(0).reason());
        assertTrue(r.discards().get(0).detail().contains("not assigned to its customer"), r.discards().get(0).detail());
    }

    /**
     * As deployed, Validate reads the registry through the deployment's default max age, which
     * rewrites a source without one: the rewrite must keep its owner, or every customer's
     * message would be refused as not its Listener's.
     */
    @Test
    void aCustomersSourceWithoutItsOwnMaxAgeStillSendsThroughTheDeploymentDefault() {
        InMemoryRegistry registry = registry();
        registry.put(new PacketSource(ACME_TOPIC, "acme-udp", true, "utf8", 0, 0, "acme"));
        PacketsState r = validate(new com.proxylity.packetsource.functions.registry.DeploymentDefaultsRegistry(registry, 300))
                .handle(batch(List.of(record("acme", notification(ACME_TOPIC, "us-east-1", body(one()), NOW)))));
        assertEquals(List.of("acme/0"), r.packets().stream().map(p -> p.id()).toList(), r.discards().toString());
    }

    @Test
    void aListenerReassignedAfterCreateStopsItsOldCustomersSourceAtOnce() {
        InMemoryRegistry registry = registry();
        registry.put(registry.listener("acme-udp").orElseThrow().ownedBy("someone-else"));
        PacketsState r = validate(registry).handle(batch(List.of(record("acme", notification(ACME_TOPIC, "us-east-1", body(one()), NOW)))));
        assertTrue(r.packets().isEmpty());
        assertEquals(DiscardReason.UnknownTopic, r.discards().get(0).reason());
    }

    /** Timestamps Instant.parse accepts but no SNS envelope carries, at and beyond every bound. */
    @Test
    void oneRecordWithAnExtremeTimestampNeverFailsItsNineNeighbours() {
        for (String ts : List.of("+1000000000-12-31T23:59:59.999999999Z", "-1000000000-01-01T00:00:00Z",
                "+292278994-08-17T07:12:55.808Z", "-292275055-05-16T16:47:04.191Z", "+10000-01-01T00:00:00Z",
                "1969-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z")) {
            List<JsonNode> records = new ArrayList<>();
            ObjectNode bad = notification(ACME_TOPIC, "us-east-1", body(one()), NOW);
            bad.put("Timestamp", ts);
            records.add(record("bad", bad));
            for (int i = 0; i < 9; i++) records.add(record("good-" + i, notification(ACME_TOPIC, "us-east-1", body(one()), NOW)));
            PacketsState r = validate(registry()).handle(batch(records));
            assertEquals(9, r.packets().size(), ts);
            assertEquals(Map.of("bad", DiscardReason.MalformedMessage),
                    Map.of(r.discards().get(0).id(), r.discards().get(0).reason()), ts);
        }
    }

    @Test
    void theBoundaryTimestampsThemselvesAreReadable() {
        for (String ts : List.of("1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z")) {
            ObjectNode env = notification(ACME_TOPIC, "us-east-1", body(one()), NOW);
            env.put("Timestamp", ts);
            PacketsState r = validate(registry()).handle(batch(List.of(record("m", env))));
            assertEquals(1, r.packets().size() + r.discards().size(), ts);
            assertTrue(r.discards().isEmpty() || r.discards().get(0).reason() == DiscardReason.Stale, ts + " " + r.discards());
        }
    }

    @Test
    void onlyTheRegistryFailingFailsTheBatch() {
        Registry down = new Registry() {
            public Optional<PacketSource> packetSource(String t) {
                throw new RegistryUnavailableException("throttled", null);
            }

            public Optional<Listener> listener(String n) {
                throw new RegistryUnavailableException("throttled", null);
            }
        };
        assertThrows(TransientException.class, () -> validate(down).handle(batch(List.of(
                record("m", notification(ACME_TOPIC, "us-east-1", body(one()), NOW))))));
        Registry buggy = new Registry() {
            public Optional<PacketSource> packetSource(String t) {
                if (t.equals(EVIL_TOPIC)) throw new ArithmeticException("a row nobody expected");
                return registry().packetSource(t);
            }

            public Optional<Listener> listener(String n) {
                return registry().listener(n);
            }
        };
        PacketsState r = validate(buggy).handle(batch(List.of(
                record("odd", notification(EVIL_TOPIC, "us-east-1", body(one()), NOW)),
                record("acme", notification(ACME_TOPIC, "us-east-1", body(one()), NOW)))));
        assertEquals(List.of("acme/0"), r.packets().stream().map(p -> p.id()).toList(), "the neighbour still goes");
        assertEquals(DiscardReason.MalformedMessage, r.discards().get(0).reason());
    }
}
