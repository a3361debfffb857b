package com.proxylity.packetsource.core.session;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Listener's tasks as seen at one instant: the live ones (any of them may still own a flow or
 * session) and, among them, those that take new flows (not draining). Task ids are in a stable
 * order, so the fallback choice for a remote nobody owns is the same on every Lambda.
 */
public final class LiveTasks {
    private final Map<String, SenderTask> live = new LinkedHashMap<>();
    private final List<SenderTask> accepting;

    private LiveTasks(List<SenderTask> all, Instant now) {
        all.stream().filter(t -> t.liveAt(now)).sorted(Comparator.comparing(SenderTask::id))
                .forEach(t -> live.put(t.id(), t));
        List<SenderTask> open = live.values().stream().filter(t -> !t.draining()).toList();
        // Every task draining (a deployment replaced all at once): they still send, better than none.
        accepting = open.isEmpty() ? List.copyOf(live.values()) : open;
    }

    public static LiveTasks of(List<SenderTask> all, Instant now) {
        return new LiveTasks(all, now);
    }

    public boolean isEmpty() {
        return live.isEmpty();
    }

    /** The task {@code id} if it is live (draining or not): it still holds what it owns. */
    public Optional<SenderTask> owner(String id) {
        return Optional.ofNullable(id == null ? null : live.get(id));
    }

    /** A stable choice for {@code key} among the tasks that take new flows. */
    public SenderTask forNew(String key) {
        if (accepting.isEmpty()) throw new IllegalStateException("no live task");
        return accepting.get(Math.floorMod(key.hashCode(), accepting.size()));
    }
}
