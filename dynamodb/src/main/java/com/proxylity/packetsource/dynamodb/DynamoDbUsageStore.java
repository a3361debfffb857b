package com.proxylity.packetsource.dynamodb;

import com.proxylity.packetsource.core.usage.UsageCounts;
import com.proxylity.packetsource.core.usage.UsageKey;
import com.proxylity.packetsource.core.usage.UsageRecord;
import com.proxylity.packetsource.core.usage.UsageStore;
import com.proxylity.packetsource.core.usage.UsageUnavailableException;
import com.proxylity.packetsource.dynamodb.Tables.Usage;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * {@link UsageStore} in one region's Usage table: one {@code UpdateItem} per record per call,
 * {@code ADD} of the increments, so concurrent writers never lose a count and nothing is read
 * first. One customer is a Query of its partition over a key range of hours; every customer is
 * a Scan (the operator's monthly export, not a hot path).
 */
public final class DynamoDbUsageStore implements UsageStore {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH'Z'");

    private final DynamoDbClient client;
    private final String table;
    private final String region;

    /** @param region the table's region, named in each record read */
    public DynamoDbUsageStore(DynamoDbClient client, String table, String region) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(table, "table");
        this.region = region;
    }

    @Override
    public void add(Map<UsageKey, UsageCounts> counts) {
        for (var e : counts.entrySet()) {
            try {
                update(e.getKey(), e.getValue());
            } catch (SdkException ex) {
                throw new UsageUnavailableException("UpdateItem on " + table + " failed", ex);
            }
        }
    }

    private void update(UsageKey k, UsageCounts c) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> adds = new ArrayList<>();
        Function<String, String> add = attr -> {
            String n = "#a" + adds.size();
            names.put(n, attr);
            adds.add(n + " :a" + adds.size());
            return ":a" + (adds.size() - 1);
        };
        if (c.messages() > 0) values.put(add.apply(Usage.MESSAGES), Attr.n(c.messages()));
        if (c.delivered() > 0) values.put(add.apply(Usage.DELIVERED), Attr.n(c.delivered()));
        if (c.bytes() > 0) values.put(add.apply(Usage.BYTES), Attr.n(c.bytes()));
        c.discarded().forEach((r, n) -> values.put(add.apply(Usage.DISCARDED_PREFIX + r.name()), Attr.n(n)));
        StringBuilder expr = new StringBuilder("ADD ").append(String.join(", ", adds));
        names.put("#ttl", Usage.TTL);
        values.put(":ttl", Attr.n(k.hour() + 3600 + Usage.RETENTION_SECONDS));
        expr.append(" SET #ttl = :ttl");
        if (c.topicArn() != null) {
            names.put("#t", Usage.TOPIC_ARN);
            values.put(":t", Attr.s(c.topicArn()));
            expr.append(", #t = if_not_exists(#t, :t)");
        }
        client.updateItem(b -> b.tableName(table)
                .key(Map.of(Usage.CUSTOMER_ID, Attr.s(k.source().customerId()),
                        Usage.HOUR_SOURCE, Attr.s(k.hourText() + "#" + k.source().sourceId())))
                .updateExpression(expr.toString()).expressionAttributeNames(names).expressionAttributeValues(values));
    }

    @Override
    public List<UsageRecord> query(String customerId, long fromHour, long toHour) {
        // '#' sorts below every hex digit and '$' above, so [from#, to#) is exactly the hours in range.
        AttributeValue from = Attr.s(UsageKey.hourText(fromHour) + "#");
        AttributeValue to = Attr.s(UsageKey.hourText(toHour) + "#");
        List<UsageRecord> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> page = start;
            List<Map<String, AttributeValue>> items;
            Map<String, AttributeValue> last;
            if (customerId != null) {
                var r = client.query(QueryRequest.builder().tableName(table)
                        .keyConditionExpression("#c = :c AND #h BETWEEN :f AND :t")
                        .expressionAttributeNames(Map.of("#c", Usage.CUSTOMER_ID, "#h", Usage.HOUR_SOURCE))
                        .expressionAttributeValues(Map.of(":c", Attr.s(customerId), ":f", from, ":t", to))
                        .exclusiveStartKey(page).build());
                items = r.items();
                last = r.hasLastEvaluatedKey() ? r.lastEvaluatedKey() : null;
            } else {
                var r = client.scan(ScanRequest.builder().tableName(table)
                        .filterExpression("#h BETWEEN :f AND :t")
                        .expressionAttributeNames(Map.of("#h", Usage.HOUR_SOURCE))
                        .expressionAttributeValues(Map.of(":f", from, ":t", to))
                        .exclusiveStartKey(page).build());
                items = r.items();
                last = r.hasLastEvaluatedKey() ? r.lastEvaluatedKey() : null;
            }
            for (var item : items) {
                UsageRecord rec = record(item);
                if (rec.hour() >= fromHour && rec.hour() < toHour) out.add(rec);
            }
            start = last == null || last.isEmpty() ? null : last;
        } while (start != null);
        out.sort(Comparator.comparing(UsageRecord::customerId).thenComparingLong(UsageRecord::hour)
                .thenComparing(UsageRecord::sourceId));
        return out;
    }

    private UsageRecord record(Map<String, AttributeValue> item) {
        String customer = Attr.reqS(item, Usage.CUSTOMER_ID, table);
        String where = table + "[" + customer + "]";
        String hs = Attr.reqS(item, Usage.HOUR_SOURCE, where);
        int hash = hs.indexOf('#');
        if (hash < 0) throw Attr.bad(where, Usage.HOUR_SOURCE, "no '#'");
        long hour = LocalDateTime.parse(hs.substring(0, hash), HOUR).toEpochSecond(ZoneOffset.UTC);
        Map<String, Long> discarded = new TreeMap<>();
        item.forEach((name, v) -> {
            if (name.startsWith(Usage.DISCARDED_PREFIX) && v.n() != null) {
                discarded.put(name.substring(Usage.DISCARDED_PREFIX.length()), Long.parseLong(v.n()));
            }
        });
        return new UsageRecord(region, customer, hs.substring(hash + 1), Attr.optS(item, Usage.TOPIC_ARN), hour,
                Attr.optN(item, Usage.MESSAGES, 0, where), Attr.optN(item, Usage.DELIVERED, 0, where),
                Attr.optN(item, Usage.BYTES, 0, where), discarded);
    }
}
