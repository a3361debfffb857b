package com.proxylity.packetsource.local.usage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.proxylity.packetsource.core.usage.UsageKey;
import com.proxylity.packetsource.core.usage.UsageRecord;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Usage records as an operator reads them (a table) or an invoicing system imports them (CSV, JSON). */
public final class UsageReport {
    public enum Format { table, csv, json }

    public enum Period { hour, month }

    private UsageReport() {}

    /** Adds hours up per month, region, customer and source; a month's row carries its first hour. */
    public static List<UsageRecord> rollUp(List<UsageRecord> records, Period period) {
        if (period == Period.hour) return records;
        Map<List<Object>, UsageRecord> out = new LinkedHashMap<>();
        for (UsageRecord r : records) {
            ZonedDateTime t = Instant.ofEpochSecond(r.hour()).atZone(ZoneOffset.UTC);
            long month = t.withDayOfMonth(1).withHour(0).toEpochSecond();
            List<Object> key = List.of(r.region(), r.customerId(), r.sourceId(), month);
            out.merge(key, new UsageRecord(r.region(), r.customerId(), r.sourceId(), r.topicArn(), month, r.messages(),
                    r.delivered(), r.bytes(), r.discarded()), UsageReport::sum);
        }
        return new ArrayList<>(out.values());
    }

    private static UsageRecord sum(UsageRecord a, UsageRecord b) {
        Map<String, Long> d = new TreeMap<>(a.discarded());
        b.discarded().forEach((k, v) -> d.merge(k, v, Long::sum));
        return new UsageRecord(a.region(), a.customerId(), a.sourceId(), a.topicArn() != null ? a.topicArn() : b.topicArn(),
                a.hour(), a.messages() + b.messages(), a.delivered() + b.delivered(), a.bytes() + b.bytes(), d);
    }

    public static void print(List<UsageRecord> records, Format format, Period period, PrintStream out) {
        List<UsageRecord> rows = new ArrayList<>(records);
        rows.sort(Comparator.comparing(UsageRecord::customerId).thenComparingLong(UsageRecord::hour)
                .thenComparing(UsageRecord::region).thenComparing(UsageRecord::sourceId));
        switch (format) {
            case json -> {
                ArrayNode a = UsageJson.JSON.createArrayNode();
                rows.forEach(r -> a.add(UsageJson.write(r)));
                out.println(a.toPrettyString());
            }
            case csv -> csv(rows, out);
            case table -> table(rows, period, out);
        }
    }

    private static void csv(List<UsageRecord> rows, PrintStream out) {
        TreeSet<String> reasons = new TreeSet<>();
        rows.forEach(r -> reasons.addAll(r.discarded().keySet()));
        StringBuilder head = new StringBuilder("hour,region,customer_id,source_id,topic_arn,messages_received,packets_delivered,bytes_delivered");
        reasons.forEach(x -> head.append(",discarded_").append(x));
        out.println(head);
        for (UsageRecord r : rows) {
            StringBuilder line = new StringBuilder().append(UsageKey.hourText(r.hour())).append(',').append(r.region())
                    .append(',').append(r.customerId()).append(',').append(r.sourceId()).append(',')
                    .append(r.topicArn() == null ? "" : r.topicArn()).append(',').append(r.messages()).append(',')
                    .append(r.delivered()).append(',').append(r.bytes());
            reasons.forEach(x -> line.append(',').append(r.discarded().getOrDefault(x, 0L)));
            out.println(line);
        }
    }

    private static void table(List<UsageRecord> rows, Period period, PrintStream out) {
        String fmt = "%-14s %-10s %-12s %-16s %9s %10s %12s %10s  %s%n";
        out.printf(fmt, period == Period.month ? "MONTH" : "HOUR", "REGION", "CUSTOMER", "SOURCE", "MESSAGES",
                "DELIVERED", "BYTES", "DISCARDED", "TOPIC / DISCARDS BY REASON");
        long messages = 0;
        long delivered = 0;
        long bytes = 0;
        long discarded = 0;
        for (UsageRecord r : rows) {
            String when = period == Period.month ? UsageKey.hourText(r.hour()).substring(0, 7) : UsageKey.hourText(r.hour());
            out.printf(fmt, when, r.region(), r.customerId(), r.sourceId(), r.messages(), r.delivered(), r.bytes(),
                    r.discardedTotal(), (r.topicArn() == null ? "(topic not recorded)" : r.topicArn())
                            + (r.discarded().isEmpty() ? "" : " " + new TreeMap<>(r.discarded())));
            messages += r.messages();
            delivered += r.delivered();
            bytes += r.bytes();
            discarded += r.discardedTotal();
        }
        out.printf(fmt, "TOTAL", "", "", "", messages, delivered, bytes, discarded, rows.size() + " record(s)");
    }
}
