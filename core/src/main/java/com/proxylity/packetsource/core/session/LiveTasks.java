package com.proxylity.packetsource.core.session;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Listener's tasks as seen at one instant: the live ones, draining or not (any of them may
 * still own a flow or session). The pipeline never picks a task for a remote or peer it does not
 * hold (that packet could not leave from the Listener's address), so draining matters only at
 * the NLB, which gives a deregistering task no new flows.
 */
public final class LiveTasks {
    private final Map<String, SenderTask> live = new LinkedHashMap<>();

    private LiveTasks(List<SenderTask> all, Instant now) {
        all.stream().filter(t -> t.liveAt(now)).sorted(Comparator.comparing(SenderTask::id))
                .forEach(t -> live.put(t.id(), t));
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
}
