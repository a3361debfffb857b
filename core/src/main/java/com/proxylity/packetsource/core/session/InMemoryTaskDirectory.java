package com.proxylity.packetsource.core.session;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Task directory for local mode and tests. */
public final class InMemoryTaskDirectory implements TaskDirectory {
    private record Key(String listener, String id) {}

    private final Map<Key, SenderTask> tasks = new ConcurrentHashMap<>();

    @Override
    public void announce(SenderTask task) {
        tasks.put(new Key(task.listenerName(), task.id()), task);
    }

    @Override
    public List<SenderTask> tasks(String listenerName) {
        return tasks.values().stream().filter(t -> t.listenerName().equals(listenerName))
                .sorted(Comparator.comparing(SenderTask::id)).toList();
    }
}
