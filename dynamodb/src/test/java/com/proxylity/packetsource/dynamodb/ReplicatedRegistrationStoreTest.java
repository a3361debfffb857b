package com.proxylity.packetsource.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registration;
import com.proxylity.packetsource.dynamodb.testing.Dynalite;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The provider's writes against a global table, with dynalite standing in for two regions: the
 * home replica and a second one that receives the home table's items only when replication
 * runs (as global tables do: asynchronously, whole items, some time later). A write returns
 * only once the other replica shows it, and gives up, failing the request, when it never does.
 */
class ReplicatedRegistrationStoreTest {
    static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:orders";
    static Dynalite dynalite;
    Tables home;
    Tables replica;
    int replicateAfterSleeps;
    int sleeps;
    Instant now;

    @BeforeAll
    static void up() {
        dynalite = Dynalite.start();
    }

    @AfterAll
    static void down() {
        if (dynalite != null) dynalite.close();
    }

    @BeforeEach
    void tables() {
        home = dynalite.createTables();
        replica = dynalite.createTables();
        sleeps = 0;
        now = Instant.parse("2026-12-06T12:00:00Z");
    }

    /** Copies the home PacketSources table onto the replica: what replication converges to. */
    void replicate() {
        var client = dynalite.client();
        List<Map<String, AttributeValue>> items = client.scan(b -> b.tableName(home.packetSources())).items();
        Set<String> keys = new HashSet<>();
        for (var item : items) {
            keys.add(item.get(Tables.PacketSources.TOPIC_ARN).s());
            client.putItem(b -> b.tableName(replica.packetSources()).item(item));
        }
        for (var item : client.scan(b -> b.tableName(replica.packetSources())).items()) {
            if (!keys.contains(item.get(Tables.PacketSources.TOPIC_ARN).s())) {
                client.deleteItem(b -> b.tableName(replica.packetSources())
                        .key(Map.of(Tables.PacketSources.TOPIC_ARN, item.get(Tables.PacketSources.TOPIC_ARN))));
            }
        }
    }

    ReplicatedRegistrationStore store() {
        Clock clock = new Clock() {
            public ZoneId getZone() { return ZoneId.of("UTC"); }
            public Clock withZone(ZoneId zone) { return this; }
            public Instant instant() { return now; }
        };
        return new ReplicatedRegistrationStore(new DynamoDbRegistrationStore(dynalite.client(), home),
                Map.of("eu-west-1", new DynamoDbRegistrationStore(dynalite.client(), replica)), Duration.ofSeconds(30), clock,
                d -> {
                    sleeps++;
                    now = now.plus(d);
                    if (sleeps == replicateAfterSleeps) replicate();
                });
    }

    static Registration reg(String resourceId) {
        return new Registration(new PacketSource(TOPIC, "edge", true, null, 0, 0, "acme"), resourceId,
                "arn:aws:iam::111122223333:role/ps", null, List.of());
    }

    @Test
    void aWriteReturnsOnlyOnceTheOtherRegionsReplicaShowsIt() {
        replicateAfterSleeps = 3;
        assertTrue(store().put(reg("psrc-acme-1"), null));
        assertEquals(3, sleeps, "it waited for replication");
        assertEquals(Optional.of(reg("psrc-acme-1")), new DynamoDbRegistrationStore(dynalite.client(), replica).registration(TOPIC));
        sleeps = 0;
        replicateAfterSleeps = 2;
        store().delete(TOPIC, "psrc-acme-1", "acme");
        assertEquals(2, sleeps);
        assertEquals(Optional.empty(), new DynamoDbRegistrationStore(dynalite.client(), replica).registration(TOPIC));
    }

    @Test
    void aReplicaThatNeverShowsTheWriteFailsTheRequestInBoundedTime() {
        replicateAfterSleeps = Integer.MAX_VALUE;
        Instant start = now;
        var e = assertThrows(ReplicatedRegistrationStore.ReplicationLagException.class, () -> store().put(reg("psrc-acme-1"), null));
        assertTrue(e.getMessage().contains("eu-west-1"), e.getMessage());
        Duration waited = Duration.between(start, now);
        assertTrue(waited.compareTo(Duration.ofSeconds(30)) >= 0 && waited.compareTo(Duration.ofSeconds(33)) <= 0, waited.toString());
    }

    @Test
    void aRefusedWriteWaitsForNothing() {
        replicateAfterSleeps = 1;
        assertTrue(store().put(reg("psrc-acme-1"), null));
        sleeps = 0;
        assertEquals(false, store().put(reg("psrc-acme-2"), null), "another resource's topic");
        assertEquals(0, sleeps);
    }
}
