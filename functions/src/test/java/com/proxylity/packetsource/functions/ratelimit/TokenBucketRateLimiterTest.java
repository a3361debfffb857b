package com.proxylity.packetsource.functions.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The per-source token bucket behind the Admit step's rate limit. */
class TokenBucketRateLimiterTest {
    @Test
    void tokenBucketBurstsToItsRateThenRefills() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T08:00:00Z"));
        Clock clock = new Clock() {
            public ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(ZoneId z) { return this; }
            public Instant instant() { return now.get(); }
        };
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter(clock);
        assertEquals(10, limiter.acquire("t", 10, 25));
        assertEquals(0, limiter.acquire("t", 10, 1));
        now.set(now.get().plusMillis(500));
        assertEquals(5, limiter.acquire("t", 10, 25));
        assertEquals(7, limiter.acquire("other", 10, 7), "buckets are per source");
        now.set(now.get().plusSeconds(60));
        assertEquals(10, limiter.acquire("t", 10, 25), "capacity is one second of tokens");
    }
}
