package com.proxylity.packetsource.local.stepfunctions;

import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.functions.metrics.DiscardLog;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Local mode's discard log: the latest discards the handlers explained, for the summary, and
 * each one to a watcher ({@code --verbose}). The ring is bounded so a flood costs memory only up
 * to its size; unlike on AWS nothing is rate-limited, since the terminal is the user's own.
 */
public final class LocalDiscards implements DiscardLog {
    public static final int DEFAULT_SIZE = 20;

    /** One explained discard; {@code seq} counts from 1 so the summary can tell which are new. */
    public record Entry(long seq, String id, String reason, String detail, String packetSource, String listener) {}

    private final int size;
    private final Deque<Entry> ring = new ArrayDeque<>();
    private long seq;
    private volatile Consumer<Entry> watcher = e -> {};

    public LocalDiscards(int size) {
        this.size = size;
    }

    @Override
    public void discarded(Discard d, String topicArn, String listener) {
        Entry e;
        synchronized (this) {
            e = new Entry(++seq, d.id(), d.reason() == null ? null : d.reason().name(), d.detail(), topicArn, listener);
            ring.addLast(e);
            if (ring.size() > size) ring.removeFirst();
        }
        watcher.accept(e);
    }

    /** The latest discards, oldest first. */
    public synchronized List<Entry> latest() {
        return new ArrayList<>(ring);
    }

    public void watch(Consumer<Entry> w) {
        watcher = w == null ? e -> {} : w;
    }
}
