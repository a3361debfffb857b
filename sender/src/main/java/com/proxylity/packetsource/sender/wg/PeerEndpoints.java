package com.proxylity.packetsource.sender.wg;

import com.proxylity.packetsource.core.session.PeerLocator;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A Listener's endpoint → peer map from the shared session records, re-read every
 * {@value #REFRESH_SECONDS} s on a thread of its own, so the event loop answers "who is this?"
 * for a transport message without a session from memory and can initiate at once. Read at start
 * too: a restarted task knows the peers of the task it replaced before their next keepalive.
 */
public final class PeerEndpoints implements AutoCloseable {
    static final long REFRESH_SECONDS = 5;
    private static final JsonLog LOG = JsonLog.of(PeerEndpoints.class);

    private final PeerLocator locator;
    private final String listener;
    private final ScheduledExecutorService timer;
    private volatile Map<String, String> byEndpoint = Map.of();

    public PeerEndpoints(PeerLocator locator, String listener) {
        this.locator = locator;
        this.listener = listener;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "peer-endpoints-" + listener);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::refresh, 0, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    /** The peer last seen at {@code endpoint} ({@code addr:port} / {@code [v6]:port}), or null. */
    public String peerAt(String endpoint) {
        return byEndpoint.get(endpoint);
    }

    private void refresh() {
        try {
            byEndpoint = Map.copyOf(locator.peersByEndpoint(listener));
        } catch (RuntimeException e) {
            LOG.warn("peer-endpoints-refresh-failed", "listener", listener, "error", e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
