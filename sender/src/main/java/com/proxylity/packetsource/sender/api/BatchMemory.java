package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Part of stage 5 of the send path (package comment of {@code com.proxylity.packetsource.sender}).
 * The segments this sender took recently, by identity, with the outcome each packet got
 * (docs/architecture.md#egress-api, "Batch identity"): a repeat is answered from here and never
 * sent again, also while the first is still being sent. One map operation per segment, never per
 * packet. Bounded twice: an entry is forgotten after the horizon, and beyond {@code maxEntries}
 * the oldest go first (counted: the horizon is then shorter than promised).
 */
final class BatchMemory {
    /**
     * Every retry the pipeline makes of a record that can reach this sender: the record's receives
     * ({@code maxReceiveCount} visibility timeouts) and the last execution's own retries.
     */
    static final Duration HORIZON = Duration.ofSeconds((long) DeploymentNumbers.MAX_RECEIVE_COUNT
            * DeploymentNumbers.VISIBILITY_TIMEOUT_SECONDS + DeploymentNumbers.EXECUTION_TIMEOUT_SECONDS);
    /**
     * The bound on entries. An entry whose packets were all sent shares one marker instead of an
     * array of outcomes, so an entry is about its id, run and map slot however many packets it
     * named; a segment with discards keeps one reference per packet (docs/sender.md, "Batch
     * identity and deadline", gives the memory this takes).
     */
    static final int DEFAULT_MAX_ENTRIES = 200_000;
    /** The outcomes of a segment whose every packet was sent. */
    static final DiscardReason[] ALL_SENT = new DiscardReason[0];

    /** One remembered segment: the run that first sent it and, once settled, each packet's outcome (null: Sent). */
    static final class Entry {
        final String id;
        final String run;
        final long at;
        final CompletableFuture<DiscardReason[]> outcomes = new CompletableFuture<>();

        private Entry(String id, String run, long at) {
            this.id = id;
            this.run = run;
            this.at = at;
        }
    }

    // Guarded by this: one short critical section per segment, on the egress API's loops.
    private final HashMap<String, Entry> byId = new HashMap<>();
    private final ArrayDeque<Entry> order = new ArrayDeque<>();
    private final LongSupplier nanos;
    private final long horizonNanos;
    private final int maxEntries;
    private long evictedEarly;
    private long evictedEarlyUnreported;

    BatchMemory() {
        this(System::nanoTime, HORIZON, DEFAULT_MAX_ENTRIES);
    }

    BatchMemory(LongSupplier nanos, Duration horizon, int maxEntries) {
        if (maxEntries < 1 || horizon.isNegative() || horizon.isZero()) throw new IllegalArgumentException("bounds must be > 0");
        this.nanos = nanos;
        this.horizonNanos = horizon.toNanos();
        this.maxEntries = maxEntries;
    }

    /**
     * The entry already remembered for {@code id}, or null when this call claimed it: the caller
     * then sends the segment and must {@link #settle} or {@link #forget} the entry it gets from
     * {@link #claimed}.
     */
    synchronized Entry claim(String id, String run, Entry[] claimed, int slot) {
        long now = nanos.getAsLong();
        expire(now);
        Entry mine = new Entry(id, run, now);
        Entry earlier = byId.putIfAbsent(id, mine);
        if (earlier != null) return earlier;
        order.add(mine);
        claimed[slot] = mine;
        while (byId.size() > maxEntries) {
            Entry oldest = order.poll();
            if (oldest == null) break;
            if (byId.remove(oldest.id, oldest)) {
                evictedEarly++;
                evictedEarlyUnreported++;
            }
        }
        return null;
    }

    static void settle(Entry e, DiscardReason[] outcomes) {
        boolean allSent = true;
        for (DiscardReason r : outcomes) allSent &= r == null;
        e.outcomes.complete(allSent ? ALL_SENT : outcomes);
    }

    /** Packet {@code at}'s outcome in a settled entry: null is Sent; a segment that failed unsent is SendError. */
    static DiscardReason outcome(DiscardReason[] settled, int at) {
        if (settled == ALL_SENT) return null;
        return settled == null || at >= settled.length ? DiscardReason.SendError : settled[at];
    }

    /** A claimed segment that was not sent after all (its request failed): a later attempt sends it. */
    void forget(Entry e) {
        synchronized (this) {
            byId.remove(e.id, e);
        }
        e.outcomes.completeExceptionally(new IllegalStateException("segment not sent"));
    }

    synchronized int size() {
        return byId.size();
    }

    /** Entries dropped before the horizon because the bound was reached. */
    synchronized long evictedEarly() {
        return evictedEarly;
    }

    /** Entries forgotten before their horizon since the last call: the caller reports them (a metric). */
    synchronized long takeEvictedEarly() {
        long n = evictedEarlyUnreported;
        evictedEarlyUnreported = 0;
        return n;
    }

    private void expire(long now) {
        Entry e;
        while ((e = order.peek()) != null && now - e.at > horizonNanos) {
            order.poll();
            byId.remove(e.id, e);
        }
    }
}
