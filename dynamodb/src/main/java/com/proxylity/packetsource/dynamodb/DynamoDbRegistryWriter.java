package com.proxylity.packetsource.dynamodb;

import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.dynamodb.Tables.Listeners;
import com.proxylity.packetsource.dynamodb.Tables.PacketSources;
import java.util.Objects;

/**
 * Write side of the registry: seeding, tests, local mode and (later) the
 * {@code Custom::ProxylityUdpGatewayPacketSource} handler. Writes replace the whole item.
 * Readers with a cache see changes only after their cache TTL (see {@link DynamoDbRegistry}).
 */
public final class DynamoDbRegistryWriter {
    private final software.amazon.awssdk.services.dynamodb.DynamoDbClient client;
    private final Tables tables;

    public DynamoDbRegistryWriter(software.amazon.awssdk.services.dynamodb.DynamoDbClient client, Tables tables) {
        this.client = Objects.requireNonNull(client, "client");
        this.tables = Objects.requireNonNull(tables, "tables");
    }

    public void putPacketSource(PacketSource source) {
        var item = RegistryItems.toItem(source);
        client.putItem(b -> b.tableName(tables.packetSources()).item(item));
    }

    public void deletePacketSource(String topicArn) {
        if (!RegistryItems.validKey(topicArn)) return;
        client.deleteItem(b -> b.tableName(tables.packetSources()).key(RegistryItems.key(PacketSources.TOPIC_ARN, topicArn)));
    }

    public void putListener(Listener listener) {
        var item = RegistryItems.toItem(listener);
        client.putItem(b -> b.tableName(tables.listeners()).item(item));
    }

    public void deleteListener(String name) {
        if (!RegistryItems.validKey(name)) return;
        client.deleteItem(b -> b.tableName(tables.listeners()).key(RegistryItems.key(Listeners.NAME, name)));
    }
}
