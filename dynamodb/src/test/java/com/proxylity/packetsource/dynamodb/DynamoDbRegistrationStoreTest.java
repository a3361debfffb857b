package com.proxylity.packetsource.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.registry.ApiKeys;
import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registration;
import com.proxylity.packetsource.dynamodb.testing.Dynalite;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The custom resource's store against dynalite: customers, and topic ownership by resource id. */
class DynamoDbRegistrationStoreTest {
    private static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:customer-topic";
    private static Dynalite dynalite;
    private Tables tables;
    private DynamoDbRegistrationStore store;

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
        store = new DynamoDbRegistrationStore(dynalite.client(), tables);
    }

    private static Registration reg(String resourceId, String listener) {
        return reg(resourceId, listener, "acme");
    }

    private static Registration reg(String resourceId, String listener, String customer) {
        return new Registration(new PacketSource(TOPIC, listener, true, "hex", 0, 0, customer), resourceId,
                "arn:aws:iam::111122223333:role/ps", "d", List.of("arn:aws:sns:us-east-1:111122223333:customer-topic:1"));
    }

    @Test
    void customerRoundTripKeepsOnlyTheHash() {
        Customer c = new Customer("acme", ApiKeys.sha256("acme.0123456789abcdef0123456789abcdef"), "psx-acme-1", java.util.Set.of("111122223333", "444455556666"));
        store.putCustomer(c);
        assertEquals(Optional.of(c), store.customer("acme"));
        assertEquals(Optional.empty(), store.customer("nobody"));
    }

    @Test
    void registrationRoundTripAndPipelineSeesTheSource() {
        Registration r = reg("res-1", "edge");
        assertTrue(store.put(r, null));
        assertEquals(Optional.of(r), store.registration(TOPIC));
        assertEquals(Optional.of(r.source()), new DynamoDbRegistry(dynalite.client(), tables).packetSource(TOPIC));
    }

    @Test
    void anotherResourceCannotTakeOrDeleteATopic() {
        assertTrue(store.put(reg("res-1", "edge"), null));
        assertFalse(store.put(reg("res-2", "other"), null));
        store.delete(TOPIC, "res-2", "acme");
        assertEquals("res-1", store.registration(TOPIC).orElseThrow().resourceId());
        assertTrue(store.put(reg("res-1", "moved"), null), "the owner may rewrite its own registration");
        assertTrue(store.put(reg("res-3", "replacement"), "res-1"), "a replacement takes over from the resource it replaces");
        store.delete(TOPIC, "res-1", "acme");
        assertEquals("res-3", store.registration(TOPIC).orElseThrow().resourceId(), "the replaced resource's delete leaves it");
        store.delete(TOPIC, "res-3", "acme");
        assertEquals(Optional.empty(), store.registration(TOPIC));
        store.delete(TOPIC, "res-3", "acme"); // already gone is fine
    }

    @Test
    void anotherCustomerCannotRewriteOrDeleteARegistrationEvenNamingItsResourceId() {
        Registration mine = reg("res-1", "edge", "acme");
        assertTrue(store.put(mine, null));
        assertFalse(store.put(reg("res-1", "evil-listener", "evil"), null), "same resource id, another customer");
        assertFalse(store.put(reg("res-9", "evil-listener", "evil"), "res-1"), "a take-over across customers");
        store.delete(TOPIC, "res-1", "evil");
        assertEquals(Optional.of(mine), store.registration(TOPIC));
        assertEquals("acme", new DynamoDbRegistry(dynalite.client(), tables).packetSource(TOPIC).orElseThrow().customerId());
    }

    @Test
    void aListenersOwnerRoundTripsAndTheSendersRewriteRemovesAStaleOne() {
        var writer = new DynamoDbRegistryWriter(dynalite.client(), tables);
        var l = new com.proxylity.packetsource.core.registry.Listener("edge",
                com.proxylity.packetsource.core.contract.ListenerType.UDP, 5683, List.of("192.0.2.1"), null, "http://s:1");
        writer.updateListener(l.ownedBy("acme"));
        assertEquals("acme", new DynamoDbRegistry(dynalite.client(), tables).listener("edge").orElseThrow().owner());
        writer.updateListener(l);
        assertEquals(null, new DynamoDbRegistry(dynalite.client(), tables).listener("edge").orElseThrow().owner(),
                "the configuration is the owner's one source: none configured, none kept");
    }
}
