package com.proxylity.packetsource.cdk;

import com.proxylity.packetsource.dynamodb.Tables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.Billing;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ReplicaTableProps;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.dynamodb.TableEncryptionV2;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.constructs.Construct;

/**
 * Every table {@link Tables#createTableRequests()} defines, generically: names, keys and key
 * types come from that one definition, so a table added there appears here without a change.
 * On demand, PITR, encrypted, retained; TTL on the session table for cleanup only (readers
 * compare ExpiresAt themselves, because DynamoDB deletes expired items up to days late).
 *
 * <p>One registry for all regions (docs/deployment.md, "One registry for all regions"): a Packet
 * Source created through any region's provider subscribes every region's queue, so every
 * region's Validate must find it. PacketSources and Customers are therefore global tables, owned
 * by the home region's stack with a replica in every other served region; the other stacks
 * refer to the replica in their own region by its fixed name. Listeners, Sessions and Usage stay
 * regional: a Listener's sender, addresses and sessions live in one region, and each region
 * counts the packets it sent (TTL on Usage: retention, docs/usage.md).
 */
public final class RegistryTables extends Construct {
    /** Table names carry this prefix: {@code PacketSource-PacketSources}, ... */
    public static final String PREFIX = Tables.DEPLOYED_PREFIX;
    /**
     * The registry is the customers' configuration: kept when the stack is deleted or a table is
     * replaced, so a re-created stack adopts it ({@code cdk deploy --import-existing-resources}
     * imports a retained table of the same static name). Only a failed first create deletes it
     * (RetainExceptOnCreate): it is empty then, and keeping it would make the retry collide.
     */
    static final RemovalPolicy KEPT = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    private final Tables names = Tables.withPrefix(PREFIX);
    private final Map<String, ITable> byName = new LinkedHashMap<>();

    public RegistryTables(Construct scope, String id, DeploymentConfig config) {
        super(scope, id);
        boolean home = Stack.of(this).getRegion().equals(config.homeRegion());
        for (CreateTableRequest request : names.createTableRequests()) {
            String name = request.tableName();
            String cid = name.substring(PREFIX.length());
            if (!globalNames().contains(name)) {
                byName.put(name, regional(cid, request));
            } else if (home) {
                byName.put(name, global(cid, request, config.replicaRegions()));
            } else {
                // The replica in this stack's region: its ARN names this region, so grants and
                // the handlers' reads stay in-region. The home stack creates it.
                byName.put(name, TableV2.fromTableName(this, cid, name));
            }
        }
    }

    /** The tables every region shares: the registry a provider in any region writes. */
    public Set<String> globalNames() {
        return Set.of(names.packetSources(), names.customers());
    }

    private Table regional(String cid, CreateTableRequest request) {
        Table.Builder b = Table.Builder.create(this, cid)
                .tableName(request.tableName())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(KEPT);
        for (KeySchemaElement k : request.keySchema()) {
            Attribute a = Attribute.builder().name(k.attributeName()).type(typeOf(request, k.attributeName())).build();
            if (k.keyType() == KeyType.HASH) b.partitionKey(a); else b.sortKey(a);
        }
        if (request.tableName().equals(names.sessions())) b.timeToLiveAttribute(Tables.Sessions.TTL);
        if (request.tableName().equals(names.usage())) b.timeToLiveAttribute(Tables.Usage.TTL);
        return b.build();
    }

    private TableV2 global(String cid, CreateTableRequest request, List<String> replicaRegions) {
        TableV2.Builder b = TableV2.Builder.create(this, cid)
                .tableName(request.tableName())
                .billing(Billing.onDemand())
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                // AWS managed keys exist in every region; a customer key would need one per replica.
                .encryption(TableEncryptionV2.awsManagedKey())
                .replicas(replicaRegions.stream().map(r -> ReplicaTableProps.builder().region(r).build()).toList())
                .removalPolicy(KEPT);
        for (KeySchemaElement k : request.keySchema()) {
            Attribute a = Attribute.builder().name(k.attributeName()).type(typeOf(request, k.attributeName())).build();
            if (k.keyType() == KeyType.HASH) b.partitionKey(a); else b.sortKey(a);
        }
        return b.build();
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

    public ITable packetSources() {
        return byName.get(names.packetSources());
    }

    public ITable listeners() {
        return byName.get(names.listeners());
    }

    public ITable sessions() {
        return byName.get(names.sessions());
    }

    public ITable customers() {
        return byName.get(names.customers());
    }

    /** This region's usage records (docs/usage.md): regional, each region bills what it sent. */
    public ITable usage() {
        return byName.get(names.usage());
    }

    /** All tables, including any the registry side adds to {@link Tables} later. */
    public List<ITable> all() {
        return List.copyOf(byName.values());
    }

    /** The handlers' table environment ({@link Tables} reads it); a replica has the global table's name. */
    public Map<String, String> environment() {
        return Map.of(Tables.ENV_PACKET_SOURCES, names.packetSources(), Tables.ENV_LISTENERS, names.listeners(),
                Tables.ENV_SESSIONS, names.sessions(), Tables.ENV_CUSTOMERS, names.customers(), Tables.ENV_USAGE,
                names.usage());
    }
}
