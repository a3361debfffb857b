package com.proxylity.packetsource.core.usage;

import java.util.List;
import java.util.Map;

/**
 * The usage records of one region: DynamoDB deployed ({@code dynamodb.DynamoDbUsageStore}), in
 * memory for tests and local mode. Adding is an increment, never a read-modify-write, so
 * concurrent invocations counting into the same record never lose a count.
 */
public interface UsageStore {
    /** Counts nothing: handlers built without a store (tests of other behaviour). */
    UsageStore NONE = new UsageStore() {
        @Override
        public void add(Map<UsageKey, UsageCounts> counts) {}

        @Override
        public List<UsageRecord> query(String customerId, long fromHour, long toHour) {
            return List.of();
        }
    };

    /** Adds each record's increments; throws {@link UsageUnavailableException} when a write did not happen. */
    void add(Map<UsageKey, UsageCounts> counts);

    /**
     * Records of hours in {@code [fromHour, toHour)} (epoch seconds), ordered by customer, hour, source.
     *
     * @param customerId one customer's, or null for every customer's
     */
    List<UsageRecord> query(String customerId, long fromHour, long toHour);
}
