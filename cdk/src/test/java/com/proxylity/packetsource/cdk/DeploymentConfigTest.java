package com.proxylity.packetsource.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The app refuses settings it cannot deploy correctly, at synth time. */
class DeploymentConfigTest {
    private static DeploymentConfig from(Map<String, Object> context) {
        Map<String, Object> c = new java.util.HashMap<>(Map.of("senderImageTag", "v1"));
        c.putAll(context);
        return DeploymentConfig.fromContext(c::get, Path.of("."));
    }

    @Test
    void theSenderImageTagIsRequiredAndNeverLatest() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> DeploymentConfig.fromContext(k -> null, Path.of(".")));
        assertTrue(missing.getMessage().contains("senderImageTag is required"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> from(Map.of("senderImageTag", "latest")));
        assertThrows(IllegalArgumentException.class, () -> from(Map.of("senderImageTag", "a/b")));
        assertEquals("2026-12-06.1", from(Map.of("senderImageTag", "2026-12-06.1")).senderImageTag());
    }

    @Test
    void theSenderRunsOnArm64UnlessAmd64IsAsked() {
        assertEquals("arm64", from(Map.of()).senderArchitecture());
        assertEquals("amd64", from(Map.of("senderArchitecture", "amd64")).senderArchitecture());
        assertThrows(IllegalArgumentException.class, () -> from(Map.of("senderArchitecture", "x86_64")));
    }

    @Test
    void validateReservesNothingUnlessAsked() {
        assertEquals(0, from(Map.of()).validateConcurrency(), "a new account (quota 10) cannot reserve any");
        assertEquals(4, from(Map.of("validateConcurrency", 4)).validateConcurrency());
        assertThrows(IllegalArgumentException.class, () -> from(Map.of("validateConcurrency", -1)));
    }

    @Test
    void twoSenderTasksByDefaultAndAnyCountFromOneToTen() {
        assertEquals(2, from(Map.of()).senderTasks());
        assertEquals(3, from(Map.of("senderTasks", 3)).senderTasks());
        assertEquals(1, from(Map.of("senderTasks", 1)).senderTasks());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> from(Map.of("senderTasks", 0)));
        assertTrue(e.getMessage().contains("senderTasks must be 1-10"), e.getMessage());
    }

    @Test
    void batchingWindowOutsideThePipeRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> from(Map.of("pipeBatchingWindowSeconds", 301)));
    }

    @Test
    void theHomeRegionIsTheFirstUnlessSetAndMustBeServed() {
        assertEquals("eu-west-1", from(Map.of("regions", "eu-west-1,us-east-1")).homeRegion());
        DeploymentConfig c = from(Map.of("regions", "eu-west-1,us-east-1", "homeRegion", "us-east-1"));
        assertEquals("us-east-1", c.homeRegion());
        assertEquals(java.util.List.of("eu-west-1"), c.replicaRegions());
        assertThrows(IllegalArgumentException.class, () -> from(Map.of("regions", "eu-west-1", "homeRegion", "us-east-1")));
    }

    @Test
    void customersAreReadFromTheirJsonAndCheckedByName() {
        DeploymentConfig c = from(Map.of("customers", "[{\"id\":\"acme\",\"accounts\":[\"111122223333\",\"222233334444\"]},"
                + "{\"id\":\"globex\",\"accounts\":[\"333344445555\"]}]"));
        assertEquals(java.util.List.of("111122223333", "222233334444", "333344445555"), c.customerAccounts());
        assertEquals(java.util.List.of(), from(Map.of()).customers(), "none by default: everything fails closed");
        for (String bad : java.util.List.of("[{\"id\":\"Acme\",\"accounts\":[\"111122223333\"]}]",
                "[{\"id\":\"acme\",\"accounts\":[\"1111\"]}]", "[{\"id\":\"acme\",\"accounts\":[]}]",
                "[{\"id\":\"acme\",\"accounts\":[\"111122223333\"],\"acount\":1}]",
                "[{\"id\":\"acme\",\"accounts\":[\"111122223333\"],\"cloudFormationRoles\":[\"arn:aws:iam::999988887777:role/x\"]}]")) {
            assertThrows(IllegalArgumentException.class, () -> from(Map.of("customers", bad)), bad);
        }
    }

    @Test
    void theOldCustomerAccountsSettingIsRefusedRatherThanIgnored() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> from(Map.of("customerAccounts", "111122223333")));
        assertTrue(e.getMessage().contains("customers"), e.getMessage());
    }

    @Test
    void anAccountOfTwoCustomersIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> from(Map.of("customers",
                "[{\"id\":\"acme\",\"accounts\":[\"111122223333\"]},{\"id\":\"beta\",\"accounts\":[\"111122223333\"]}]")));
        assertTrue(e.getMessage().contains("account 111122223333 is both acme's and beta's"), e.getMessage());
    }
}
