package com.proxylity.packetsource.dynamodb;

import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.Registration;
import com.proxylity.packetsource.core.registry.RegistrationStore;
import com.proxylity.packetsource.dynamodb.Tables.Customers;
import com.proxylity.packetsource.dynamodb.Tables.PacketSources;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import java.util.HashMap;
import com.proxylity.packetsource.core.registry.PacketSource;

/**
 * {@link RegistrationStore} over the PacketSources, Listeners and Customers tables, uncached and
 * strongly consistent (the custom resource must see its own last write). Ownership of a topic is
 * enforced by conditional writes on {@link PacketSources#RESOURCE_ID}, so two resources racing
 * for one topic cannot both win.
 */
public final class DynamoDbRegistrationStore implements RegistrationStore {
    /** Absent, or registered by one of the two resource ids and by the same customer. */
    private static final String OWNED_OR_NEW = "attribute_not_exists(#t) OR ((#r = :r OR #r = :o) AND #c = :c)";

    private final DynamoDbClient client;
    private final Tables tables;
    private final DynamoDbRegistry reads;
    private final DynamoDbRegistry listenerReads;

    public DynamoDbRegistrationStore(DynamoDbClient client, Tables tables) {
        this(client, client, tables);
    }

    /**
     * @param client the registry's PacketSources and Customers (global tables: their home
     *     region's replica, where conditional writes are decided)
     * @param listenersClient this region's Listeners (a regional table)
     */
    public DynamoDbRegistrationStore(DynamoDbClient client, DynamoDbClient listenersClient, Tables tables) {
        this.client = Objects.requireNonNull(client, "client");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.reads = new DynamoDbRegistry(client, tables);
        this.listenerReads = new DynamoDbRegistry(Objects.requireNonNull(listenersClient, "listenersClient"), tables);
        tables.requireCustomers();
    }

    @Override
    public Optional<Customer> customer(String id) {
        if (!RegistryItems.validKey(id)) return Optional.empty();
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(tables.customers()).consistentRead(true)
                .key(RegistryItems.key(Customers.CUSTOMER_ID, id))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        return Optional.of(RegistryItems.customer(item, tables.customers()));
    }

    /** Seeding and tests: customers are created by operations ({@link DynamoDbCustomerDirectory}), not by the resource. */
    public void putCustomer(Customer c) {
        client.putItem(b -> b.tableName(tables.customers()).item(RegistryItems.toItem(c)));
    }

    @Override
    public Optional<Listener> listener(String name) {
        return listenerReads.listener(name);
    }

    @Override
    public Optional<Registration> registration(String topicArn) {
        if (!RegistryItems.validKey(topicArn)) return Optional.empty();
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(tables.packetSources()).consistentRead(true)
                .key(RegistryItems.key(PacketSources.TOPIC_ARN, topicArn))).item();
        if (item == null || item.isEmpty() || Attr.optS(item, PacketSources.RESOURCE_ID) == null) return Optional.empty();
        var source = RegistryItems.packetSource(item, tables.packetSources());
        if (source.customerId() == null) return Optional.empty(); // not a customer's resource
        return Optional.of(new Registration(source,
                Attr.optS(item, PacketSources.RESOURCE_ID),
                Attr.optS(item, PacketSources.ROLE_ARN), Attr.optS(item, PacketSources.DESCRIPTION),
                Attr.optList(item, PacketSources.SUBSCRIPTION_ARNS)));
    }

    @Override
    public Optional<PacketSource> packetSource(String topicArn) {
        return reads.packetSource(topicArn);
    }

    @Override
    public boolean put(Registration r, String takeOverFrom) {
        Map<String, AttributeValue> item = new HashMap<>(RegistryItems.toItem(r.source()));
        item.put(PacketSources.RESOURCE_ID, Attr.s(r.resourceId()));
        if (r.roleArn() != null) item.put(PacketSources.ROLE_ARN, Attr.s(r.roleArn()));
        if (r.description() != null && !r.description().isEmpty()) item.put(PacketSources.DESCRIPTION, Attr.s(r.description()));
        item.put(PacketSources.SUBSCRIPTION_ARNS, Attr.list(r.subscriptionArns()));
        try {
            client.putItem(b -> b.tableName(tables.packetSources()).item(item).conditionExpression(OWNED_OR_NEW)
                    .expressionAttributeNames(Map.of("#t", PacketSources.TOPIC_ARN, "#r", PacketSources.RESOURCE_ID,
                            "#c", PacketSources.CUSTOMER_ID))
                    .expressionAttributeValues(Map.of(":r", Attr.s(r.resourceId()),
                            ":o", Attr.s(takeOverFrom == null ? r.resourceId() : takeOverFrom),
                            ":c", Attr.s(r.customerId()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void delete(String topicArn, String resourceId, String customerId) {
        if (!RegistryItems.validKey(topicArn) || resourceId == null || customerId == null) return;
        try {
            client.deleteItem(b -> b.tableName(tables.packetSources()).key(RegistryItems.key(PacketSources.TOPIC_ARN, topicArn))
                    .conditionExpression("#r = :r AND #c = :c")
                    .expressionAttributeNames(Map.of("#r", PacketSources.RESOURCE_ID, "#c", PacketSources.CUSTOMER_ID))
                    .expressionAttributeValues(Map.of(":r", Attr.s(resourceId), ":c", Attr.s(customerId))));
        } catch (ConditionalCheckFailedException e) {
            // Absent, or registered by another resource (our successor) or customer: not ours to delete.
        }
    }
}
