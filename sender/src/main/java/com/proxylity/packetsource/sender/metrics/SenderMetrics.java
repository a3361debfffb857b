package com.proxylity.packetsource.sender.metrics;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.wireguard.InboundDrop;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one Listener, aggregated between EMF flushes. Updates are lock-free on the hot
 * path (LongAdder); the two distributions keep a bounded reservoir sample (EMF takes at most
 * 100 values per metric).
 */
public final class SenderMetrics {
    public static final int MAX_SAMPLES = 100;

    final String listener;
    final LongAdder sent = new LongAdder();
    final Map<DiscardReason, LongAdder> discarded = new EnumMap<>(DiscardReason.class);
    final LongAdder inboundDropped = new LongAdder();
    final LongAdder repeatsSuppressed = new LongAdder();
    final LongAdder segmentsForgottenEarly = new LongAdder();
    final LongAdder outsideFlowWindow = new LongAdder();
    final LongAdder sentSegmented = new LongAdder();
    final LongAdder inboundWireGuard = new LongAdder();
    final Map<InboundDrop, LongAdder> inboundRejected = new EnumMap<>(InboundDrop.class);
    private final Reservoir batchSizes = new Reservoir();
    private final Reservoir sendLatencyMicros = new Reservoir();

    public SenderMetrics(String listener) {
        this.listener = listener;
        for (DiscardReason r : DiscardReason.values()) discarded.put(r, new LongAdder());
        for (InboundDrop d : InboundDrop.values()) inboundRejected.put(d, new LongAdder());
    }

    public void sent(int n) { sent.add(n); }

    public void discarded(DiscardReason reason) { discarded.get(reason).increment(); }

    public void inboundDropped() { inboundDropped.increment(); }

    /** Packets of a segment taken before, answered with their first outcome and not sent again. */
    public void repeatsSuppressed(int n) { repeatsSuppressed.add(n); }

    /** Remembered segments pushed out before their horizon by this Listener's traffic (the memory's bound). */
    public void segmentsForgottenEarly(long n) { segmentsForgottenEarly.add(n); }

    public long segmentsForgottenEarlyTotal() { return segmentsForgottenEarly.sum(); }

    public long repeatsSuppressedTotal() { return repeatsSuppressed.sum(); }

    /** A packet sent to a remote this Listener had not heard from within the NLB's flow window. */
    public void sentOutsideFlowWindow() { outsideFlowWindow.increment(); }

    public long sentOutsideFlowWindowTotal() { return outsideFlowWindow.sum(); }

    /** Datagrams that left in segmented sends (UDP GSO), a subset of those sent. */
    public void sentSegmented(int n) { sentSegmented.add(n); }

    public long sentSegmentedTotal() { return sentSegmented.sum(); }

    public void inboundWireGuard() { inboundWireGuard.increment(); }

    /** A WireGuard datagram the engine ignored (bad MAC, unknown peer, replay, ...). */
    public void inboundRejected(InboundDrop why) { inboundRejected.get(why).increment(); }

    public long inboundRejectedTotal(InboundDrop why) { return inboundRejected.get(why).sum(); }

    public void batch(int size, long latencyNanos) {
        batchSizes.add(size);
        sendLatencyMicros.add(latencyNanos / 1_000.0);
    }

    public long sentTotal() { return sent.sum(); }

    public long discardedTotal(DiscardReason reason) { return discarded.get(reason).sum(); }

    public long inboundDroppedTotal() { return inboundDropped.sum(); }

    List<Double> drainBatchSizes() { return batchSizes.drain(); }

    List<Double> drainSendLatencies() { return sendLatencyMicros.drain(); }

    /** Algorithm R over one flush interval. */
    static final class Reservoir {
        private final double[] values = new double[MAX_SAMPLES];
        private long seen;

        synchronized void add(double v) {
            if (seen < MAX_SAMPLES) {
                values[(int) seen] = v;
            } else {
                long j = ThreadLocalRandom.current().nextLong(seen + 1);
                if (j < MAX_SAMPLES) values[(int) j] = v;
            }
            seen++;
        }

        synchronized List<Double> drain() {
            int n = (int) Math.min(seen, MAX_SAMPLES);
            List<Double> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(values[i]);
            seen = 0;
            return out;
        }
    }
}
