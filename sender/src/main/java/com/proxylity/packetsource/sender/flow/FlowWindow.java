package com.proxylity.packetsource.sender.flow;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * When a Listener last heard from each remote, to tell whether the NLB still holds the client's
 * UDP flow: AWS keeps an idle UDP flow for {@value #NLB_UDP_IDLE_SECONDS} s (not configurable),
 * and a packet the task originates leaves as the Listener's address only through a live flow.
 * The sender cannot see the NLB's state, so a packet to a remote not heard from within the
 * window is counted (docs/deployment.md), not stopped.
 *
 * <p>Bounded: at most {@code capacity} remotes are tracked. When full, expired entries are
 * pruned (at most once per second, so a flood of new sources costs no per-packet scan); a
 * remote that still finds no room is not recorded and its packets count as outside the window,
 * which errs on the side of showing the problem.
 */
public final class FlowWindow {
    public static final int NLB_UDP_IDLE_SECONDS = 120;
    public static final int DEFAULT_CAPACITY = 262_144;
    private static final long PRUNE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long windowNanos;
    private final int capacity;
    private final ConcurrentHashMap<InetSocketAddress, Long> lastHeard = new ConcurrentHashMap<>();
    private volatile long lastPrune = Long.MIN_VALUE;

    public FlowWindow() {
        this(TimeUnit.SECONDS.toNanos(NLB_UDP_IDLE_SECONDS), DEFAULT_CAPACITY);
    }

    public FlowWindow(long windowNanos, int capacity) {
        if (windowNanos <= 0 || capacity < 1) throw new IllegalArgumentException("window and capacity must be positive");
        this.windowNanos = windowNanos;
        this.capacity = capacity;
    }

    /** A datagram arrived from {@code remote} at {@code nowNanos} (System.nanoTime scale). */
    public void heard(InetSocketAddress remote, long nowNanos) {
        if (lastHeard.size() >= capacity && !lastHeard.containsKey(remote)) {
            prune(nowNanos);
            if (lastHeard.size() >= capacity) return;
        }
        lastHeard.put(remote, nowNanos);
    }

    /** Whether a packet to {@code remote} now would find the client's flow still live. */
    public boolean live(InetSocketAddress remote, long nowNanos) {
        Long t = lastHeard.get(remote);
        return t != null && nowNanos - t < windowNanos;
    }

    public int tracked() {
        return lastHeard.size();
    }

    private void prune(long nowNanos) {
        if (lastPrune != Long.MIN_VALUE && nowNanos - lastPrune < PRUNE_INTERVAL_NANOS) return;
        lastPrune = nowNanos;
        lastHeard.values().removeIf(t -> nowNanos - t >= windowNanos);
    }
}
