package com.proxylity.packetsource.functions.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.dynamodb.DynamoDbRegistryWriter;
import com.proxylity.packetsource.dynamodb.Tables;
import com.proxylity.packetsource.dynamodb.testing.Dynalite;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The handlers' registry is cached per execution environment (real DynamoDB API on dynalite):
 * a warm Validate/LookupSessions must not pay strongly consistent GetItems for every record.
 */
class EnvironmentRegistryTest {
    static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:cached";

    @Test
    void theHandlersRegistryAnswersFromItsCacheWithinTheTtl() {
        assertEquals(Duration.ofSeconds(30), Environment.registryCacheTtl(), "default when the variable is unset");
        try (Dynalite dynalite = Dynalite.start()) {
            Tables tables = dynalite.createTables();
            DynamoDbRegistryWriter writer = new DynamoDbRegistryWriter(dynalite.client(), tables);
            writer.putPacketSource(new PacketSource(TOPIC, "coap", true, "base64", 0, 0));
            Registry registry = Environment.registry(dynalite.client(), tables, Environment.registryCacheTtl());

            assertTrue(registry.packetSource(TOPIC).isPresent());
            writer.deletePacketSource(TOPIC);
            assertTrue(registry.packetSource(TOPIC).isPresent(), "answered from the cache, no second read");
        }
    }
}
