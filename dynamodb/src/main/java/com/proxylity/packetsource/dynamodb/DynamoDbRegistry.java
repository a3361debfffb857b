package com.proxylity.packetsource.dynamodb;

import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.registry.RegistryUnavailableException;
import com.proxylity.packetsource.dynamodb.Tables.Customers;
import com.proxylity.packetsource.dynamodb.Tables.Listeners;
import com.proxylity.packetsource.dynamodb.Tables.PacketSources;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link Registry} over the PacketSources and Listeners tables, with an optional per-entry cache
 * for Lambda warm starts.
 *
 * <p>Staleness: with a cache TTL of T, a change (a Packet Source disabled or added, a Listener
 * moved) is seen at most T after it was written, by each warm Lambda instance on its own. Misses
 * are cached too (an unknown topic stays unknown for up to T after it is registered), so a flood
 * of messages from an unregistered topic costs one read per T per instance. Each cache holds at
 * most {@value #MAX_CACHED} entries; when full it starts over, which bounds memory whatever topic
 * ARNs arrive. A TTL of zero disables caching. Reads are strongly consistent, so a write is
 * visible to the next uncached read.
 */
public final class DynamoDbRegistry implements Registry {
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(30);
    static final int MAX_CACHED = 10_000;

    private final DynamoDbClient client;
    private final Tables tables;
    private final Duration ttl;
    private final Clock clock;
    private final Cache<PacketSource> sources = new Cache<>();
    private final Cache<Listener> listeners = new Cache<>();
    private final Cache<Customer> customers = new Cache<>();

    /** Uncached: every call reads DynamoDB. */
    public DynamoDbRegistry(DynamoDbClient client, Tables tables) {
        this(client, tables, Duration.ZERO, Clock.systemUTC());
    }

    public DynamoDbRegistry(DynamoDbClient client, Tables tables, Duration cacheTtl, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.ttl = Objects.requireNonNull(cacheTtl, "cacheTtl");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (cacheTtl.isNegative()) throw new IllegalArgumentException("cacheTtl must be >= 0");
    }

    @Override
    public Optional<PacketSource> packetSource(String topicArn) {
        if (!RegistryItems.validKey(topicArn)) return Optional.empty();
        return sources.get(topicArn, arn -> read(tables.packetSources(), PacketSources.TOPIC_ARN, arn)
                .map(item -> RegistryItems.packetSource(item, tables.packetSources())));
    }

    @Override
    public Optional<Listener> listener(String name) {
        if (!RegistryItems.validKey(name)) return Optional.empty();
        return listeners.get(name, n -> read(tables.listeners(), Listeners.NAME, n)
                .map(item -> RegistryItems.listener(item, tables.listeners())));
    }

    /** Cached as the rest: a customer disabled or an account moved is seen within the TTL. None without a customers table. */
    @Override
    public Optional<Customer> customer(String id) {
        if (tables.customers() == null || !RegistryItems.validKey(id)) return Optional.empty();
        return customers.get(id, c -> read(tables.customers(), Customers.CUSTOMER_ID, c)
                .map(item -> RegistryItems.customer(item, tables.customers())));
    }

    /** Forgets everything cached (tests; after this process wrote the registry itself). */
    public void invalidate() {
        sources.entries.clear();
        listeners.entries.clear();
        customers.entries.clear();
    }

    private Optional<Map<String, AttributeValue>> read(String table, String keyAttr, String key) {
        Map<String, AttributeValue> item;
        try {
            item = client.getItem(b -> b.tableName(table)
                    .key(RegistryItems.key(keyAttr, key)).consistentRead(true)).item();
        } catch (SdkException e) {
            throw new RegistryUnavailableException("GetItem on " + table + " failed", e);
        }
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private final class Cache<V> {
        private record Entry<V>(Optional<V> value, Instant expires) {}

        private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

        Optional<V> get(String key, Function<String, Optional<V>> load) {
            if (ttl.isZero()) return load.apply(key);
            Instant now = clock.instant();
            Entry<V> e = entries.get(key);
            if (e != null && now.isBefore(e.expires())) return e.value();
            Optional<V> v = load.apply(key);
            if (entries.size() >= MAX_CACHED) entries.clear();
            entries.put(key, new Entry<>(v, now.plus(ttl)));
            return v;
        }
    }
}
