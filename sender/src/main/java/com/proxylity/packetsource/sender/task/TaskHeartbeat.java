package com.proxylity.packetsource.sender.task;

import com.proxylity.packetsource.core.session.SenderTask;
import com.proxylity.packetsource.core.session.TaskDirectory;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * This task's owner record, one per Listener, rewritten every
 * {@value TaskDirectory#HEARTBEAT_SECONDS} s on a thread of its own (a slow directory never
 * touches a Listener loop). A task that dies simply stops beating: its record stops being live
 * {@value TaskDirectory#LIVE_SECONDS} s after the last beat, and the pipeline stops routing to it.
 * Draining (a stop announced by the platform, or {@link #drain()}) is written at once, so new
 * flows go elsewhere while this task still sends for what it holds; the last beat on close says
 * "gone now" rather than waiting for the record to lapse.
 */
public final class TaskHeartbeat implements AutoCloseable {
    private static final JsonLog LOG = JsonLog.of(TaskHeartbeat.class);

    private final TaskDirectory directory;
    private final String taskId;
    private final String endpoint;
    private final List<String> listeners;
    private final Clock clock;
    private final BooleanSupplier stopAnnounced;
    private final ScheduledExecutorService timer;
    private volatile boolean draining;
    private volatile boolean closed;

    /**
     * @param stopAnnounced polled every beat: true once the platform has decided to stop this task
     *     (on ECS the task metadata's desired status), so draining starts before SIGTERM
     */
    public TaskHeartbeat(TaskDirectory directory, String taskId, String endpoint, List<String> listeners, Clock clock,
                         BooleanSupplier stopAnnounced) {
        this.directory = directory;
        this.taskId = taskId;
        this.endpoint = endpoint;
        this.listeners = List.copyOf(listeners);
        this.clock = clock;
        this.stopAnnounced = stopAnnounced;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "task-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Writes the first beat now (so the task is routable before it says it started), then every few seconds. */
    public TaskHeartbeat start() {
        beat();
        timer.scheduleWithFixedDelay(this::beat, TaskDirectory.HEARTBEAT_SECONDS, TaskDirectory.HEARTBEAT_SECONDS,
                TimeUnit.SECONDS);
        return this;
    }

    /** Take no new flows or sessions from now on; keep sending for those held. */
    public void drain() {
        if (draining) return;
        draining = true;
        LOG.info("task-draining", "taskId", taskId);
        timer.execute(this::beat);
    }

    public boolean draining() {
        return draining;
    }

    private void beat() {
        if (closed) return;
        try {
            if (!draining && stopAnnounced.getAsBoolean()) {
                draining = true;
                LOG.info("task-draining", "taskId", taskId, "cause", "stop-announced");
            }
            Instant now = clock.instant();
            for (String l : listeners) directory.announce(SenderTask.beat(l, taskId, endpoint, now, draining));
        } catch (RuntimeException e) {
            // The next beat retries; three missed beats and the pipeline stops routing here.
            LOG.warn("task-heartbeat-failed", "taskId", taskId, "error", e.getClass().getSimpleName());
        }
    }

    /** Stops beating and records this task as gone now. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        Instant now = clock.instant();
        for (String l : listeners) {
            try {
                directory.announce(new SenderTask(l, taskId, endpoint, now, now, true));
            } catch (RuntimeException e) {
                LOG.warn("task-heartbeat-final-failed", "taskId", taskId, "error", e.getClass().getSimpleName());
            }
        }
    }
}
