package com.proxylity.packetsource.core.usage;

import com.proxylity.packetsource.core.contract.DiscardReason;
import java.util.EnumMap;
import java.util.Map;

/** What one invocation adds to one usage record: the increments of its counters. */
public final class UsageCounts {
    private long messages;
    private long delivered;
    private long bytes;
    private final Map<DiscardReason, Long> discarded = new EnumMap<>(DiscardReason.class);
    private String topicArn;

    public UsageCounts message() {
        messages++;
        return this;
    }

    /** @param payloadBytes the bytes handed to the sender for the packet (before any WireGuard sealing) */
    public UsageCounts delivered(int payloadBytes) {
        delivered++;
        bytes += payloadBytes;
        return this;
    }

    public UsageCounts discarded(DiscardReason reason) {
        discarded.merge(reason, 1L, Long::sum);
        return this;
    }

    /** The source's topic ARN, where the counting stage knows it (Validate): stored once per record. */
    public UsageCounts topicArn(String arn) {
        this.topicArn = arn;
        return this;
    }

    void add(UsageCounts other) {
        messages += other.messages;
        delivered += other.delivered;
        bytes += other.bytes;
        other.discarded.forEach((r, n) -> discarded.merge(r, n, Long::sum));
        if (topicArn == null) topicArn = other.topicArn;
    }

    public long messages() {
        return messages;
    }

    public long delivered() {
        return delivered;
    }

    public long bytes() {
        return bytes;
    }

    public Map<DiscardReason, Long> discarded() {
        return Map.copyOf(discarded);
    }

    public String topicArn() {
        return topicArn;
    }

    /** Nothing to add: no write is made for it. */
    public boolean isEmpty() {
        return messages == 0 && delivered == 0 && bytes == 0 && discarded.isEmpty();
    }
}
