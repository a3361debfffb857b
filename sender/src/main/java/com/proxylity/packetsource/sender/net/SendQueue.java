package com.proxylity.packetsource.sender.net;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stage 5 of the send path (package comment of {@code com.proxylity.packetsource.sender}): the
 * Listener's bounded queue, counted in packets. A batch reserves its room in one step and gives
 * it back in one step when its last datagram settled; per packet, the loops of a multi-socket
 * Listener would take turns owning the counter's cache line for every datagram they send.
 */
final class SendQueue {
    private final int capacity;
    private final AtomicInteger pending = new AtomicInteger();

    SendQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Room for up to {@code n} packets; 0 when the queue is full. */
    int reserve(int n) {
        while (true) {
            int cur = pending.get();
            int grant = Math.min(n, capacity - cur);
            if (grant <= 0) return 0;
            if (pending.compareAndSet(cur, cur + grant)) return grant;
        }
    }

    void release(int n) {
        pending.addAndGet(-n);
    }

    int pending() {
        return pending.get();
    }

    /** Waits until the queue is empty or the deadline passes; returns what is still queued. */
    int drain(long deadlineNanos) throws InterruptedException {
        // Shutdown only, polled: a settle never pays for waking a waiter.
        while (pending.get() > 0 && System.nanoTime() < deadlineNanos) Thread.sleep(5);
        return pending.get();
    }
}
