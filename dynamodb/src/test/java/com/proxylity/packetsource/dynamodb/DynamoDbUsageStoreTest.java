package com.proxylity.packetsource.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.usage.UsageCounts;
import com.proxylity.packetsource.core.usage.UsageKey;
import com.proxylity.packetsource.core.usage.UsageRecord;
import com.proxylity.packetsource.core.usage.UsageSource;
import com.proxylity.packetsource.core.usage.UsageUnavailableException;
import com.proxylity.packetsource.dynamodb.testing.Dynalite;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Usage records in the Usage table, against dynalite: increments add up, hours select by key range. */
class DynamoDbUsageStoreTest {
    private static final long H10 = Instant.parse("2026-12-01T10:00:00Z").getEpochSecond();
    private static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:telemetry";
    private static Dynalite dynalite;

    @BeforeAll
    static void start() {
        dynalite = Dynalite.start();
    }

    @AfterAll
    static void stop() {
        if (dynalite != null) dynalite.close();
    }

    @Test
    void concurrentIncrementsAddUpAndARangeOfHoursIsExactlyThoseHours() throws Exception {
        Tables tables = dynalite.createTables();
        DynamoDbUsageStore store = new DynamoDbUsageStore(dynalite.client(), tables.usage(), "us-east-1");
        UsageSource acme = UsageSource.of("acme", TOPIC);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                writes.add(pool.submit(() -> store.add(Map.of(new UsageKey(acme, H10),
                        new UsageCounts().message().delivered(100).delivered(50).discarded(DiscardReason.NoSession)))));
            }
            for (Future<?> f : writes) f.get();
        } finally {
            pool.shutdown();
        }
        store.add(Map.of(new UsageKey(acme, H10), new UsageCounts().topicArn(TOPIC).discarded(DiscardReason.Stale)));
        store.add(Map.of(new UsageKey(acme, H10 + 3600), new UsageCounts().delivered(7)));
        store.add(Map.of(new UsageKey(UsageSource.of(null, TOPIC), H10), new UsageCounts().delivered(1)));

        List<UsageRecord> tenOClock = store.query("acme", H10, H10 + 3600);
        assertEquals(List.of(new UsageRecord("us-east-1", "acme", acme.sourceId(), TOPIC, H10, 20, 40, 3000,
                Map.of("NoSession", 20L, "Stale", 1L))), tenOClock);
        assertEquals(2, store.query("acme", H10, H10 + 7200).size());
        assertEquals(List.of(), store.query("acme", H10 + 7200, H10 + 10800));
        List<UsageRecord> all = store.query(null, H10, H10 + 3600);
        assertEquals(List.of(UsageSource.OPERATOR, "acme"), all.stream().map(UsageRecord::customerId).toList(),
                "every customer's hour, the operator's own sources included");
    }

    @Test
    void aWriteThatDidNotHappenSaysSo() {
        DynamoDbUsageStore store = new DynamoDbUsageStore(dynalite.client(), "no-such-table", "us-east-1");
        assertThrows(UsageUnavailableException.class, () -> store.add(Map.of(
                new UsageKey(UsageSource.of("acme", TOPIC), H10), new UsageCounts().delivered(1))));
    }
}
