package com.proxylity.packetsource.sender.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.Arrays;

/**
 * WARN lines that an unauthenticated client can provoke, bounded: at most {@code perSecond}
 * lines in any one-second window; the rest are counted and the next line that is written
 * carries {@code "suppressed": K}. Every event is counted in the metrics regardless, so the
 * log bounds volume and the metric keeps the truth.
 */
public final class RateLimitedLog {
    private final JsonLog log;
    private final int perSecond;
    private final LongSupplier nanoClock;
    private final AtomicLong suppressed = new AtomicLong();
    private long windowStart;
    private int inWindow;

    public RateLimitedLog(JsonLog log, int perSecond, LongSupplier nanoClock) {
        if (perSecond <= 0) throw new IllegalArgumentException("perSecond must be > 0");
        this.log = log;
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
        this.windowStart = nanoClock.getAsLong();
    }

    public RateLimitedLog(JsonLog log, int perSecond) {
        this(log, perSecond, System::nanoTime);
    }

    /** Writes the WARN line if the budget allows, else counts it as suppressed. */
    public void warn(String event, Object... kv) {
        if (!admit()) {
            suppressed.incrementAndGet();
            return;
        }
        long k = suppressed.getAndSet(0);
        if (k == 0) {
            log.warn(event, kv);
        } else {
            Object[] withCount = Arrays.copyOf(kv, kv.length + 2);
            withCount[kv.length] = "suppressed";
            withCount[kv.length + 1] = k;
            log.warn(event, withCount);
        }
    }

    /** Lines dropped since the last one written. */
    public long suppressed() {
        return suppressed.get();
    }

    private synchronized boolean admit() {
        long now = nanoClock.getAsLong();
        if (now - windowStart >= 1_000_000_000L) {
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= perSecond) return false;
        inWindow++;
        return true;
    }
}
