package com.proxylity.packetsource.sender.wg;

import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Writes session records off the Listener's event loop: the directory may be DynamoDB (a
 * network call), and a handshake must never stall the send path. Bounded: if the directory is
 * down and the queue fills, the newest record is dropped and logged — the engine still holds
 * the session, and the next handshake or roam writes the record again.
 */
public final class SessionPublisher implements AutoCloseable {
    private static final JsonLog LOG = JsonLog.of(SessionPublisher.class);

    private final SessionDirectory directory;
    private final ThreadPoolExecutor executor;

    public SessionPublisher(SessionDirectory directory) {
        this.directory = directory;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096), r -> {
            Thread t = new Thread(r, "session-publisher");
            t.setDaemon(true);
            return t;
        });
    }

    public void publish(SessionRecord record) {
        try {
            executor.execute(() -> {
                try {
                    directory.put(record);
                } catch (RuntimeException e) {
                    LOG.error("session-publish-failed", e, "listener", record.listenerName(), "peer", record.peerKey());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("session-publish-dropped", "listener", record.listenerName(), "peer", record.peerKey());
        }
    }

    /** Writes what is queued (bounded wait), then stops. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
