package com.proxylity.packetsource.core.usage;

import java.util.Map;

/**
 * A usage record as stored: the totals of one source in one hour of one region.
 *
 * @param topicArn the source's topic, null until Validate has counted a message of it in that hour
 * @param discarded packets (or whole messages) discarded, by reason name
 */
public record UsageRecord(String region, String customerId, String sourceId, String topicArn, long hour,
                          long messages, long delivered, long bytes, Map<String, Long> discarded) {
    public UsageRecord {
        discarded = Map.copyOf(discarded);
    }

    public long discardedTotal() {
        return discarded.values().stream().mapToLong(Long::longValue).sum();
    }
}
