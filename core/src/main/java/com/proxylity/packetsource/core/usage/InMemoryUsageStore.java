package com.proxylity.packetsource.core.usage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Usage records in this process: local mode and tests. */
public final class InMemoryUsageStore implements UsageStore {
    private final String region;
    private final Map<UsageKey, Totals> records = new HashMap<>();

    public InMemoryUsageStore(String region) {
        this.region = region;
    }

    private static final class Totals {
        long messages;
        long delivered;
        long bytes;
        final Map<String, Long> discarded = new TreeMap<>();
        String topicArn;
    }

    @Override
    public synchronized void add(Map<UsageKey, UsageCounts> counts) {
        counts.forEach((k, c) -> {
            Totals t = records.computeIfAbsent(k, x -> new Totals());
            t.messages += c.messages();
            t.delivered += c.delivered();
            t.bytes += c.bytes();
            c.discarded().forEach((r, n) -> t.discarded.merge(r.name(), n, Long::sum));
            if (t.topicArn == null) t.topicArn = c.topicArn();
        });
    }

    @Override
    public synchronized List<UsageRecord> query(String customerId, long fromHour, long toHour) {
        List<UsageRecord> out = new ArrayList<>();
        records.forEach((k, t) -> {
            if (customerId != null && !customerId.equals(k.source().customerId())) return;
            if (k.hour() < fromHour || k.hour() >= toHour) return;
            out.add(new UsageRecord(region, k.source().customerId(), k.source().sourceId(), t.topicArn, k.hour(),
                    t.messages, t.delivered, t.bytes, t.discarded));
        });
        out.sort(Comparator.comparing(UsageRecord::customerId).thenComparingLong(UsageRecord::hour)
                .thenComparing(UsageRecord::sourceId));
        return out;
    }
}
