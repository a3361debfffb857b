package com.proxylity.packetsource.dynamodb;

import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.dynamodb.Tables.Listeners;
import com.proxylity.packetsource.dynamodb.Tables.PacketSources;
import java.util.Objects;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Write side of the registry: seeding, tests, local mode and (later) the
 * {@code Custom::ProxylityUdpGatewayPacketSource} handler. Writes replace the whole item.
 * Readers with a cache see changes only after their cache TTL (see {@link DynamoDbRegistry}).
 */
public final class DynamoDbRegistryWriter {
    private final DynamoDbClient client;
    private final Tables tables;

    public DynamoDbRegistryWriter(DynamoDbClient client, Tables tables) {
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

    /**
     * Writes the Listener's own attributes and leaves every other attribute of its item alone
     * (UpdateItem, not PutItem): the operator's {@link Listeners#ALLOWED_PEERS} survive a
     * sender's registration at start. An attribute the Listener no longer has is removed.
     */
    public void updateListener(Listener listener) {
        var item = new LinkedHashMap<>(RegistryItems.toItem(listener));
        item.remove(Listeners.NAME);
        var names = new HashMap<String, String>();
        var values = new HashMap<String, AttributeValue>();
        var set = new ArrayList<String>();
        int i = 0;
        for (var e : item.entrySet()) {
            names.put("#a" + i, e.getKey());
            values.put(":v" + i, e.getValue());
            set.add("#a" + i + " = :v" + i);
            i++;
        }
        var remove = new ArrayList<String>();
        for (String optional : List.of(Listeners.PUBLIC_KEY, Listeners.SENDER_ENDPOINT, Listeners.OWNER)) {
            if (!item.containsKey(optional)) {
                names.put("#r" + remove.size(), optional);
                remove.add("#r" + remove.size());
            }
        }
        String expression = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        client.updateItem(b -> b.tableName(tables.listeners()).key(RegistryItems.key(Listeners.NAME, listener.name()))
                .updateExpression(expression).expressionAttributeNames(names).expressionAttributeValues(values));
    }

    public void deleteListener(String name) {
        if (!RegistryItems.validKey(name)) return;
        client.deleteItem(b -> b.tableName(tables.listeners()).key(RegistryItems.key(Listeners.NAME, name)));
    }
}
