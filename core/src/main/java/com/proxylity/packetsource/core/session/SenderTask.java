package com.proxylity.packetsource.core.session;

import java.time.Instant;
import java.util.Objects;

/**
 * One running sender task of a Listener, as its own heartbeat announces it: the owner record the
 * pipeline routes by (docs/architecture.md#owner-routing). A task is live until {@code
 * expiresAt}; it writes a new record every {@link TaskDirectory#HEARTBEAT_SECONDS}, so a task that
 * died stops being live {@link TaskDirectory#LIVE_SECONDS} after its last beat at the latest.
 *
 * @param id the task's sender id, the {@code Owner} of its sessions and flow records
 * @param endpoint the task's own egress API base URL (its private address), never a name that
 *     resolves to any task
 * @param draining the task is stopping: it still sends for the flows and sessions it holds, but
 *     takes no new ones
 */
public record SenderTask(String listenerName, String id, String endpoint, Instant heartbeatAt, Instant expiresAt,
                         boolean draining) {
    public SenderTask {
        Objects.requireNonNull(listenerName, "listenerName");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(heartbeatAt, "heartbeatAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean liveAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    /** The beat a task writes at {@code now}. */
    public static SenderTask beat(String listenerName, String id, String endpoint, Instant now, boolean draining) {
        return new SenderTask(listenerName, id, endpoint, now, now.plusSeconds(TaskDirectory.LIVE_SECONDS), draining);
    }
}
