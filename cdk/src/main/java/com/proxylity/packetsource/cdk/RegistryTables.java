package com.proxylity.packetsource.cdk;

import com.proxylity.packetsource.dynamodb.Tables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.constructs.Construct;

/**
 * Every table {@link Tables#createTableRequests()} defines, generically: names, keys and key
 * types come from that one definition, so a table added there appears here without a change.
 * On demand, PITR, encrypted; TTL on the session table for cleanup only (readers compare
 * ExpiresAt themselves, because DynamoDB deletes expired items up to days late).
 */
public final class RegistryTables extends Construct {
    /** Table names carry this prefix: {@code PacketSource-PacketSources}, ... */
    public static final String PREFIX = "PacketSource-";
    private final Tables names = Tables.withPrefix(PREFIX);
    private final Map<String, Table> byName = new LinkedHashMap<>();

    public RegistryTables(Construct scope, String id) {
        super(scope, id);
        for (CreateTableRequest request : names.createTableRequests()) {
            Table.Builder b = Table.Builder.create(this, request.tableName().substring(PREFIX.length()))
                    .tableName(request.tableName())
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                            .pointInTimeRecoveryEnabled(true).build())
                    .encryption(TableEncryption.AWS_MANAGED)
                    // The registry is the customers' configuration: never deleted with the stack.
                    .removalPolicy(RemovalPolicy.RETAIN);
            for (KeySchemaElement k : request.keySchema()) {
                Attribute a = Attribute.builder().name(k.attributeName()).type(typeOf(request, k.attributeName())).build();
                if (k.keyType() == KeyType.HASH) b.partitionKey(a); else b.sortKey(a);
            }
            if (request.tableName().equals(names.sessions())) b.timeToLiveAttribute(Tables.Sessions.TTL);
            byName.put(request.tableName(), b.build());
        }
    }

    private static AttributeType typeOf(CreateTableRequest request, String attribute) {
        String t = request.attributeDefinitions().stream().filter(d -> d.attributeName().equals(attribute))
                .findFirst().orElseThrow().attributeTypeAsString();
        return switch (t) {
            case "S" -> AttributeType.STRING;
            case "N" -> AttributeType.NUMBER;
            case "B" -> AttributeType.BINARY;
            default -> throw new IllegalStateException("key type " + t);
        };
    }

    public Tables names() {
        return names;
    }

    public Table packetSources() {
        return byName.get(names.packetSources());
    }

    public Table listeners() {
        return byName.get(names.listeners());
    }

    public Table sessions() {
        return byName.get(names.sessions());
    }

    public Table customers() {
        return byName.get(names.customers());
    }

    /** All tables, including any the registry side adds to {@link Tables} later. */
    public List<Table> all() {
        return List.copyOf(byName.values());
    }

    /** The handlers' table environment ({@link Tables} reads it). */
    public Map<String, String> environment() {
        return Map.of(Tables.ENV_PACKET_SOURCES, names.packetSources(), Tables.ENV_LISTENERS, names.listeners(),
                Tables.ENV_SESSIONS, names.sessions(), Tables.ENV_CUSTOMERS, names.customers());
    }
}
