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
        return DeploymentConfig.fromContext(context::get, Path.of("."));
    }

    @Test
    void oneSenderTaskByDefault() {
        assertEquals(1, from(Map.of()).senderTasks());
    }

    @Test
    void moreThanOneSenderTaskIsRefusedUntilEgressRoutesByOwner() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> from(Map.of("senderTasks", 2)));
        assertTrue(e.getMessage().contains("senderTasks must be 1"), e.getMessage());
    }

    @Test
    void batchingWindowOutsideThePipeRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> from(Map.of("pipeBatchingWindowSeconds", 301)));
    }
}
