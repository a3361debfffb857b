package com.proxylity.packetsource.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.dynamodb.testing.Dynalite;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoDbRegistryTest {
    private static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:customer-topic";
    private static Dynalite dynalite;
    private Tables tables;
    private DynamoDbRegistryWriter writer;
    private DynamoDbRegistry registry;

    @BeforeAll
    static void startDynalite() {
        dynalite = Dynalite.start();
    }

    @AfterAll
    static void stopDynalite() {
        if (dynalite != null) dynalite.close();
    }

    @BeforeEach
    void freshTables() {
        tables = dynalite.createTables();
        writer = new DynamoDbRegistryWriter(dynalite.client(), tables);
        registry = new DynamoDbRegistry(dynalite.client(), tables);
    }

    @Test
    void packetSourceByTopicArn() {
        PacketSource ps = new PacketSource(TOPIC, "edge-wg", true, "hex", 300, 50);
        writer.putPacketSource(ps);
        assertEquals(Optional.of(ps), registry.packetSource(TOPIC));
        PacketSource minimal = new PacketSource(TOPIC + "-2", "edge-udp", false, null, 0, 0);
        writer.putPacketSource(minimal);
        assertEquals(Optional.of(minimal), registry.packetSource(TOPIC + "-2"));
    }

    @Test
    void unknownTopicIsEmpty() {
        writer.putPacketSource(new PacketSource(TOPIC, "edge", true, null, 0, 0));
        assertEquals(Optional.empty(), registry.packetSource(TOPIC + "-other"));
        assertEquals(Optional.empty(), registry.packetSource(""));
        assertEquals(Optional.empty(), registry.packetSource(null));
        assertEquals(Optional.empty(), registry.packetSource("a".repeat(3000)));
        assertEquals(Optional.empty(), registry.listener("nope"));
    }

    @Test
    void listenersOfEachTypeRoundTrip() {
        Listener udp = new Listener("edge-udp", ListenerType.UDP, 5683, List.of("203.0.113.10"), null, "http://10.0.0.5:8080");
        Listener wg = new Listener("edge-wg", ListenerType.WG, 51820, List.of("203.0.113.11", "2001:db8::11"),
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "http://10.0.0.6:8080");
        Listener decap = new Listener("edge-decap", ListenerType.WG_DECAP, 51821, List.of(), "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=", null);
        Listener dual = new Listener("edge-dual", ListenerType.UDP, 5684, List.of("203.0.113.12", "2001:db8::12"), null, null,
                AddressFamilies.DUAL);
        Listener six = new Listener("edge-v6", ListenerType.UDP, 5685, List.of("2001:db8::13"), null, null, AddressFamilies.IPV6);
        for (Listener l : List.of(udp, wg, decap, dual, six)) writer.putListener(l);
        assertEquals(Optional.of(dual), registry.listener("edge-dual"));
        assertEquals(Optional.of(six), registry.listener("edge-v6"));
        assertEquals(AddressFamilies.IPV4, registry.listener("edge-udp").orElseThrow().families());
        assertEquals(Optional.of(udp), registry.listener("edge-udp"));
        assertEquals(Optional.of(wg), registry.listener("edge-wg"));
        assertEquals(Optional.of(decap), registry.listener("edge-decap"));
        Map<String, AttributeValue> item = dynalite.client().getItem(b -> b.tableName(tables.listeners())
                .key(Map.of("Name", AttributeValue.fromS("edge-decap")))).item();
        assertEquals("wg", item.get("Protocol").s(), "stored as customers describe it");
        assertEquals(true, item.get("DecapsulatedDelivery").bool());
    }

    @Test
    void itemWithoutEnabledIsNotEnabled() {
        dynalite.client().putItem(b -> b.tableName(tables.packetSources()).item(Map.of(
                "TopicArn", AttributeValue.fromS(TOPIC), "ListenerName", AttributeValue.fromS("edge"))));
        assertEquals(Optional.of(new PacketSource(TOPIC, "edge", false, null, 0, 0)), registry.packetSource(TOPIC));
    }

    @Test
    void malformedListenerItemFailsWithANamedAttribute() {
        dynalite.client().putItem(b -> b.tableName(tables.listeners()).item(Map.of(
                "Name", AttributeValue.fromS("bad"), "Protocol", AttributeValue.fromS("tcp"), "Port", AttributeValue.fromN("1"))));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry.listener("bad"));
        assertEquals(true, e.getMessage().contains("Protocol"));
    }

    @Test
    void listenerWithoutFamiliesReachesIpv4OnlyAndAnUnknownFamilyIsAnError() {
        dynalite.client().putItem(b -> b.tableName(tables.listeners()).item(Map.of(
                "Name", AttributeValue.fromS("old"), "Protocol", AttributeValue.fromS("udp"), "Port", AttributeValue.fromN("1"))));
        assertEquals(AddressFamilies.IPV4, registry.listener("old").orElseThrow().families());
        dynalite.client().putItem(b -> b.tableName(tables.listeners()).item(Map.of(
                "Name", AttributeValue.fromS("odd"), "Protocol", AttributeValue.fromS("udp"), "Port", AttributeValue.fromN("1"),
                "AddressFamilies", AttributeValue.fromS("ipv5"))));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry.listener("odd"));
        assertEquals(true, e.getMessage().contains("AddressFamilies"));
    }

    @Test
    void cacheServesWithinTtlAndRereadsAfter() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T08:00:00Z"));
        DynamoDbRegistry cached = new DynamoDbRegistry(dynalite.client(), tables, Duration.ofSeconds(30), clock);
        assertEquals(Optional.empty(), cached.packetSource(TOPIC));
        PacketSource ps = new PacketSource(TOPIC, "edge", true, null, 0, 0);
        writer.putPacketSource(ps);
        assertEquals(Optional.empty(), cached.packetSource(TOPIC), "negative answer cached for the TTL");
        clock.advance(Duration.ofSeconds(31));
        assertEquals(Optional.of(ps), cached.packetSource(TOPIC));
        writer.putPacketSource(new PacketSource(TOPIC, "edge", false, null, 0, 0));
        assertEquals(Optional.of(ps), cached.packetSource(TOPIC), "stale for at most the TTL");
        cached.invalidate();
        assertEquals(false, cached.packetSource(TOPIC).orElseThrow().enabled());
    }

    @Test
    void writerRejectsWhatCouldNotBeReadBack() {
        assertThrows(IllegalArgumentException.class, () -> writer.putListener(new Listener("x", ListenerType.UDP, 0, List.of(), null, null)));
        assertThrows(IllegalArgumentException.class, () -> writer.putPacketSource(new PacketSource("", "l", true, null, 0, 0)));
        writer.putListener(new Listener("gone", ListenerType.UDP, 9, List.of(), null, null));
        writer.deleteListener("gone");
        assertEquals(Optional.empty(), registry.listener("gone"));
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) { this.now = now; }

        void advance(Duration d) { now = now.plus(d); }

        @Override public Instant instant() { return now; }

        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }

        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    }

    /** Validate re-checks an outcome topic against its customer: the customer as the directory wrote it, disabled too. */
    @Test
    void customerByIdAsTheDirectoryWroteIt() {
        com.proxylity.packetsource.core.registry.Customer acme = new com.proxylity.packetsource.core.registry.Customer(
                "acme", "0".repeat(64), "psx-acme", java.util.Set.of("111122223333"));
        new DynamoDbCustomerDirectory(dynalite.client(), tables).create(acme.withDisabled(true));
        assertEquals(java.util.Optional.of(acme.withDisabled(true)), registry.customer("acme"));
        assertTrue(registry.customer("beta").isEmpty());
    }
}
