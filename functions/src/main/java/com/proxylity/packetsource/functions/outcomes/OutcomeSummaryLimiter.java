package com.proxylity.packetsource.functions.outcomes;

import com.proxylity.packetsource.core.pipeline.RateLimiter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code perSecond} summaries per Packet Source from this execution environment (a token
 * bucket per source, {@code TokenBucketRateLimiter}); a summary over the budget is dropped and
 * remembered, so the next one sent says how many were dropped before it.
 */
public final class OutcomeSummaryLimiter {
    /** Bounds memory when sources churn, as the rate limiter's own buckets are bounded. */
    private static final int MAX_SOURCES = 10_000;

    private final RateLimiter buckets;
    private final int perSecond;
    private final Map<String, Long> suppressed = new ConcurrentHashMap<>();

    public OutcomeSummaryLimiter(RateLimiter buckets, int perSecond) {
        if (perSecond < 1) throw new IllegalArgumentException("perSecond must be at least 1");
        this.buckets = buckets;
        this.perSecond = perSecond;
    }

    /** @return whether a summary of this source may go now; if not, it is counted as suppressed */
    public boolean tryAcquire(String source) {
        if (buckets.acquire(source, perSecond, 1) == 1) return true;
        if (suppressed.size() > MAX_SOURCES) suppressed.clear();
        suppressed.merge(source, 1L, Long::sum);
        return false;
    }

    /** The summaries suppressed since the last one sent, now reported by the one about to go. */
    public long takeSuppressed(String source) {
        Long n = suppressed.remove(source);
        return n == null ? 0 : n;
    }

    /** A summary that could not be published after all: its count of suppressed ones goes to the next. */
    public void giveBack(String source, long suppressedCount) {
        if (suppressedCount > 0) suppressed.merge(source, suppressedCount, Long::sum);
    }
}
