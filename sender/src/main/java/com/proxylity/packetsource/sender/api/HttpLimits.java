package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import java.time.Duration;

/**
 * Every resource an HTTP client of the egress API can hold, bounded. Defaults are far above
 * what the egress Lambda needs (a request per Map iteration, a few connections per execution)
 * and far below what the sender can afford (1 GiB task).
 *
 * @param headerTimeout from a request's first byte to the end of its headers
 * @param bodyTimeout from the end of the headers to the end of the body
 * @param idleTimeout a kept-alive connection with no request in progress is closed after this
 * @param maxConnections open connections in total; beyond it new ones are closed at once
 * @param maxConnectionsPerAddress open connections from one source address
 * @param maxBufferedBytes request bodies held in memory at once, all connections together
 * @param maxInitialLine longest request line; headers, likewise, in {@code maxHeaderBytes}
 * @param maxQueuedRequests authenticated requests waiting for a handler thread; beyond: 503
 */
public record HttpLimits(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections,
                         int maxConnectionsPerAddress, long maxBufferedBytes, int maxInitialLine, int maxHeaderBytes,
                         int maxQueuedRequests) {

    /** Beyond the body limit, this much is still read (and dropped) so the client sees the 413. */
    public static final long DRAIN_LIMIT = 4L * EgressApi.MAX_BODY_BYTES;

    public static HttpLimits defaults() {
        return new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30),
                2048, 512, 64L << 20, 4096, 8192, 256);
    }

    public HttpLimits withReadTimeout(Duration t) {
        return new HttpLimits(t, t, idleTimeout, maxConnections, maxConnectionsPerAddress, maxBufferedBytes,
                maxInitialLine, maxHeaderBytes, maxQueuedRequests);
    }

    public HttpLimits withConnections(int total, int perAddress) {
        return new HttpLimits(headerTimeout, bodyTimeout, idleTimeout, total, perAddress, maxBufferedBytes,
                maxInitialLine, maxHeaderBytes, maxQueuedRequests);
    }
}
