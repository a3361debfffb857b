package com.proxylity.packetsource.core.pipeline;

/** Per Packet Source packet rate (docs/architecture.md#egress-safety, {@code RateLimited}). */
@FunctionalInterface
public interface RateLimiter {
    /**
     * Takes up to {@code wanted} tokens for {@code sourceKey}, refilled at {@code ratePerSecond}.
     *
     * @return how many were granted (0..wanted); the rest are {@code RateLimited}
     */
    int acquire(String sourceKey, int ratePerSecond, int wanted);

    RateLimiter UNLIMITED = (key, rate, wanted) -> wanted;
}
