package com.proxylity.packetsource.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules of a customer's keys: issued once, at most two valid, the old one only until retired. */
class CustomerAdminTest {
    final InMemoryRegistry directory = new InMemoryRegistry();
    final CustomerAdmin admin = new CustomerAdmin(directory, new SecureRandom());

    @Test
    void createStoresOnlyTheHashAndAnApiKeyOfTheCustomer() {
        CustomerAdmin.Issued issued = admin.create("acme", Set.of("111122223333"));
        Customer stored = directory.get("acme").orElseThrow();
        assertEquals(ApiKeys.sha256(issued.apiKey()), stored.apiKeySha256());
        assertEquals(java.util.Optional.of("acme"), ApiKeys.customerId(issued.apiKey()));
        assertTrue(stored.externalId().matches("psx-[0-9a-f]{32}"), stored.externalId());
        assertFalse(issued.toString().contains(issued.apiKey()), "the key is never in a toString");
        assertThrows(CustomerAdmin.Refused.class, () -> admin.create("acme", Set.of("111122223333")));
        assertThrows(CustomerAdmin.Refused.class, () -> admin.create("Bad_Id", Set.of("111122223333")));
        assertThrows(CustomerAdmin.Refused.class, () -> admin.create("noaccounts", Set.of()));
        assertTrue(directory.get("noaccounts").isEmpty());
    }

    @Test
    void rotationKeepsTheOldKeyValidUntilRetiredAndAllowsNoThirdKey() {
        String old = admin.create("acme", Set.of("111122223333")).apiKey();
        String fresh = admin.rotateKey("acme").apiKey();
        Customer during = directory.get("acme").orElseThrow();
        assertTrue(ApiKeys.matches(old, during));
        assertTrue(ApiKeys.matches(fresh, during));
        assertFalse(ApiKeys.matches("acme.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", during));

        var refused = assertThrows(CustomerAdmin.Refused.class, () -> admin.rotateKey("acme"));
        assertTrue(refused.getMessage().contains("customer retire-key acme"), refused.getMessage());
        assertEquals(during, directory.get("acme").orElseThrow(), "a refused rotation writes nothing");

        admin.retireKey("acme");
        Customer after = directory.get("acme").orElseThrow();
        assertFalse(ApiKeys.matches(old, after));
        assertTrue(ApiKeys.matches(fresh, after));
        assertNull(after.previousApiKeySha256());
        assertThrows(CustomerAdmin.Refused.class, () -> admin.retireKey("acme"));
    }

    @Test
    void aChangeBasedOnAStaleReadWritesNothing() {
        admin.create("acme", Set.of("111122223333"));
        Customer read = directory.get("acme").orElseThrow();
        admin.rotateKey("acme");
        Customer now = directory.get("acme").orElseThrow();
        assertFalse(directory.replace(read, read.withDisabled(true)));
        assertEquals(now, directory.get("acme").orElseThrow());
    }

    @Test
    void disableAndEnableKeepTheKeys() {
        String key = admin.create("acme", Set.of("111122223333")).apiKey();
        assertTrue(admin.setDisabled("acme", true).disabled());
        assertTrue(ApiKeys.matches(key, directory.get("acme").orElseThrow()));
        assertFalse(admin.setDisabled("acme", false).disabled());
        assertThrows(CustomerAdmin.Refused.class, () -> admin.setDisabled("nobody", true));
    }

    @Test
    void anAccountOfAnotherCustomerIsRefusedAndNothingIsCreated() {
        admin.create("acme", Set.of("111122223333"));
        CustomerAdmin.Refused r = assertThrows(CustomerAdmin.Refused.class,
                () -> admin.create("beta", Set.of("444455556666", "111122223333")));
        assertTrue(r.getMessage().contains("111122223333 belongs to customer acme"), r.getMessage());
        assertTrue(directory.get("beta").isEmpty());
    }
}
