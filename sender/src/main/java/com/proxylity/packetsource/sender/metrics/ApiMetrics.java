package com.proxylity.packetsource.sender.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Egress API requests and connections refused between EMF flushes, by reason (a short closed
 * set chosen by the server: {@code BadRequest}, {@code UnsupportedMediaType}, {@code TooLarge},
 * {@code Unauthorized}, {@code Busy}, {@code ReadTimeout}, {@code TooManyConnections}, ...).
 */
public final class ApiMetrics {
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();

    public void rejected(String reason) {
        rejected.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    public long rejectedTotal(String reason) {
        LongAdder a = rejected.get(reason);
        return a == null ? 0 : a.sum();
    }

    /** The interval's counts, reset; only reasons that occurred. */
    Map<String, Long> drain() {
        Map<String, Long> out = new TreeMap<>();
        rejected.forEach((reason, n) -> {
            long v = n.sumThenReset();
            if (v > 0) out.put(reason, v);
        });
        return out;
    }
}
