package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.sender.metrics.ApiMetrics;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import com.proxylity.packetsource.sender.metrics.RateLimitedLog;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One place where a refused request or connection is counted (metric, always) and logged
 * (one WARN line, rate-limited: anyone who can reach the port can provoke these).
 */
final class RejectReporter {
    /** Enough to see what is happening; a flood costs at most this many lines a second. */
    static final int LOG_LINES_PER_SECOND = 10;

    private final RateLimitedLog log = new RateLimitedLog(JsonLog.of(EgressHttpServer.class), LOG_LINES_PER_SECOND);
    private final ApiMetrics metrics;
    private final AtomicLong authRejected = new AtomicLong();

    RejectReporter(ApiMetrics metrics) {
        this.metrics = metrics;
    }

    void rejected(String reason, InetAddress from) {
        metrics.rejected(reason);
        log.warn("egress-request-rejected", "reason", reason, "remote", from == null ? "?" : from.getHostAddress());
    }

    /** Refused for authentication, with the verifier's verdict (never the header values). */
    void unauthorized(String verdict, InetAddress from) {
        authRejected.incrementAndGet();
        metrics.rejected("Unauthorized");
        log.warn("egress-request-rejected", "reason", "Unauthorized", "verdict", verdict,
                "remote", from == null ? "?" : from.getHostAddress());
    }

    long authRejected() {
        return authRejected.get();
    }
}
