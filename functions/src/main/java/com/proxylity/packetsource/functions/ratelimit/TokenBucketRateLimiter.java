package com.proxylity.packetsource.functions.ratelimit;

import com.proxylity.packetsource.core.pipeline.RateLimiter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Instant;

/**
 * A token bucket per Packet Source, held in this process: in Lambda that is one execution
 * environment, so the effective limit is the rate times the number of concurrent Validate
 * environments (bounded by the function's reserved concurrency; see docs/pipeline.md for why
 * this and not a DynamoDB counter). Capacity is one second of tokens: a burst up to the rate,
 * then the rate.
 */
public final class TokenBucketRateLimiter implements RateLimiter {
    private static final class Bucket {
        double tokens;
        long lastNanos;
        int rate;
    }

    /** Bounds memory when topics churn: the map is cleared rather than grown without limit. */
    private static final int MAX_BUCKETS = 10_000;

    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public TokenBucketRateLimiter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public int acquire(String sourceKey, int ratePerSecond, int wanted) {
        if (ratePerSecond <= 0 || wanted <= 0) return Math.max(wanted, 0);
        if (buckets.size() > MAX_BUCKETS) buckets.clear();
        long now = nowNanos();
        Bucket b = buckets.computeIfAbsent(sourceKey, k -> {
            Bucket nb = new Bucket();
            nb.tokens = ratePerSecond;
            nb.lastNanos = now;
            nb.rate = ratePerSecond;
            return nb;
        });
        synchronized (b) {
            if (b.rate != ratePerSecond) {
                b.rate = ratePerSecond;
                b.tokens = Math.min(b.tokens, ratePerSecond);
            }
            double elapsed = Math.max(0, now - b.lastNanos) / 1e9;
            b.tokens = Math.min(ratePerSecond, b.tokens + elapsed * ratePerSecond);
            b.lastNanos = now;
            int granted = (int) Math.min(wanted, Math.floor(b.tokens));
            b.tokens -= granted;
            return granted;
        }
    }

    private long nowNanos() {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
