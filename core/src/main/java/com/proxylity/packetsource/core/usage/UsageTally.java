package com.proxylity.packetsource.core.usage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One invocation's usage, per source and hour: a handler counts into it while it decides
 * outcomes and writes it once, one {@link UsageStore#add} per record touched, never per packet.
 */
public final class UsageTally {
    private final Map<UsageKey, UsageCounts> counts = new LinkedHashMap<>();

    /**
     * @param source null for a message no authenticated source owns: counted for no one
     * @param atMillis when the message was published (its hour bucket)
     */
    public UsageCounts at(UsageSource source, long atMillis) {
        if (source == null) return new UsageCounts();
        return counts.computeIfAbsent(new UsageKey(source, UsageKey.hourOf(atMillis)), k -> new UsageCounts());
    }

    /** Adds another tally's counts to this one's. */
    public void addAll(UsageTally other) {
        other.counts.forEach((k, c) -> counts.computeIfAbsent(k, x -> new UsageCounts()).add(c));
    }

    /** The records to add to, without the ones nothing was counted for. */
    public Map<UsageKey, UsageCounts> nonEmpty() {
        Map<UsageKey, UsageCounts> out = new LinkedHashMap<>();
        counts.forEach((k, v) -> {
            if (!v.isEmpty()) out.put(k, v);
        });
        return out;
    }
}
