package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/**
 * Stage 9 of the send path (package comment of {@code com.proxylity.packetsource.sender}): the
 * end of one queued batch. Every write promise (and every packet refused on the loop) settles
 * its slot here; the last one gives the batch's room back to the queue, records the batch and
 * completes {@link Outbound#done()}, in that order, so whoever waits on it finds the room free.
 * One per batch: it is the listener of all of the batch's write promises.
 */
final class SendCompletion implements ChannelFutureListener {
    private final Outbound out;
    private final int granted;
    private final SendQueue queue;
    private final SenderMetrics metrics;
    private final long submittedNanos;

    private SendCompletion(Outbound out, int granted, SendQueue queue, SenderMetrics metrics, long submittedNanos) {
        this.out = out;
        this.granted = granted;
        this.queue = queue;
        this.metrics = metrics;
        this.submittedNanos = submittedNanos;
    }

    /** Opens {@code out}'s first {@code granted} slots; with none granted it is complete at once. */
    static SendCompletion open(Outbound out, int granted, SendQueue queue, SenderMetrics metrics) {
        long now = System.nanoTime();
        out.open(granted);
        if (granted == 0) out.complete();
        return new SendCompletion(out, granted, queue, metrics, now);
    }

    void settle(int slot, DiscardReason reason) {
        if (out.settle(slot, reason)) {
            queue.release(granted);
            metrics.batch(out.size(), System.nanoTime() - submittedNanos);
            out.complete();
        }
    }

    /** Every granted slot failed unsent (the Listener is shutting down). */
    void failAll() {
        for (int i = 0; i < granted; i++) settle(i, DiscardReason.SendError);
    }

    @Override
    public void operationComplete(ChannelFuture future) {
        settle(((SlotPromise) future).slot, future.isSuccess() ? null : DiscardReason.SendError);
    }
}
