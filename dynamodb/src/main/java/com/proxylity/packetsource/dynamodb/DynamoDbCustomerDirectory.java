package com.proxylity.packetsource.dynamodb;

import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.CustomerDirectory;
import com.proxylity.packetsource.dynamodb.Tables.Customers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The Customers table for the operator's tooling. Give it a client of the home region: the
 * provider of every region reads customers there ({@link ReplicatedRegistrationStore#customer}),
 * and conditional writes are decided only in one replica. Reads are strongly consistent.
 */
public final class DynamoDbCustomerDirectory implements CustomerDirectory {
    private final DynamoDbClient client;
    private final String table;

    public DynamoDbCustomerDirectory(DynamoDbClient client, Tables tables) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = tables.requireCustomers();
    }

    @Override
    public Optional<Customer> get(String id) {
        if (!RegistryItems.validKey(id)) return Optional.empty();
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).consistentRead(true)
                .key(RegistryItems.key(Customers.CUSTOMER_ID, id))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(RegistryItems.customer(item, table));
    }

    @Override
    public List<Customer> list() {
        List<Customer> out = new ArrayList<>();
        client.scanPaginator(b -> b.tableName(table).consistentRead(true)).items()
                .forEach(item -> out.add(RegistryItems.customer(item, table)));
        out.sort(Comparator.comparing(Customer::id));
        return out;
    }

    @Override
    public boolean create(Customer customer) {
        try {
            client.putItem(b -> b.tableName(table).item(RegistryItems.toItem(customer))
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", Customers.CUSTOMER_ID)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean replace(Customer expected, Customer updated) {
        if (!expected.id().equals(updated.id())) throw new IllegalArgumentException("replace keeps the id");
        if (!Objects.equals(expected.externalId(), updated.externalId()) || !expected.accounts().equals(updated.accounts())) {
            throw new IllegalArgumentException("replace changes keys and the disabled flag only");
        }
        Map<String, String> names = new HashMap<>(Map.of("#id", Customers.CUSTOMER_ID, "#k", Customers.API_KEY_SHA256,
                "#p", Customers.PREVIOUS_API_KEY_SHA256, "#d", Customers.DISABLED));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":k", Attr.s(expected.apiKeySha256())));
        StringBuilder condition = new StringBuilder("attribute_exists(#id) AND #k = :k");
        if (expected.previousApiKeySha256() == null) {
            condition.append(" AND attribute_not_exists(#p)");
        } else {
            condition.append(" AND #p = :p");
            values.put(":p", Attr.s(expected.previousApiKeySha256()));
        }
        if (expected.disabled()) {
            condition.append(" AND #d = :t");
            values.put(":t", Attr.bool(true));
        } else {
            // Absent reads as enabled, as the provider reads it.
            condition.append(" AND (attribute_not_exists(#d) OR #d = :f)");
            values.put(":f", Attr.bool(false));
        }
        // Only what the directory's changes change: an attribute another hand edited meanwhile
        // (Accounts, ExternalId, one this model does not carry) is left as it is, not reverted.
        StringBuilder update = new StringBuilder("SET #k = :nk, #d = :nd");
        values.put(":nk", Attr.s(updated.apiKeySha256()));
        values.put(":nd", Attr.bool(updated.disabled()));
        if (updated.previousApiKeySha256() == null) {
            update.append(" REMOVE #p");
        } else {
            update.append(", #p = :np");
            values.put(":np", Attr.s(updated.previousApiKeySha256()));
        }
        try {
            client.updateItem(b -> b.tableName(table).key(Map.of(Customers.CUSTOMER_ID, Attr.s(updated.id())))
                    .updateExpression(update.toString()).conditionExpression(condition.toString())
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
