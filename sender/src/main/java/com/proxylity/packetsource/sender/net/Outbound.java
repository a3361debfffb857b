package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The packets of one egress request bound for one Listener, and their outcomes. Filled by the
 * request thread, sent on the Listener's event loop, completed by Netty's write promises.
 * Arrays, not per-packet objects: one allocation per request, not per packet.
 */
public final class Outbound implements ChannelFutureListener {
    final int capacity;
    int count;
    final InetSocketAddress[] destination;
    final String[] peerKey;
    /** Each payload is {@code payload[slot][payloadOffset[slot], +payloadLength[slot])}. */
    final byte[][] payload;
    final int[] payloadOffset;
    final int[] payloadLength;
    /** Per slot: null = sent, else the discard reason. Valid after {@link #done()} completes. */
    final DiscardReason[] outcome;
    /** Per slot: set once the slot is settled, so a timed-out caller can tell open slots. */
    private final boolean[] settled;
    private final AtomicInteger open = new AtomicInteger();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private ListenerSocket socket;
    private int granted;
    long submittedNanos;
    /**
     * Checked against the endpoint a WireGuard seal picks (the peer's last authenticated source,
     * not Remote.Address): the sender's own egress rule covers that path too. Null: no check.
     */
    EgressPolicy endpointPolicy;

    public Outbound(int capacity) {
        this.capacity = capacity;
        destination = new InetSocketAddress[capacity];
        peerKey = new String[capacity];
        payload = new byte[capacity][];
        payloadOffset = new int[capacity];
        payloadLength = new int[capacity];
        outcome = new DiscardReason[capacity];
        settled = new boolean[capacity];
    }

    /** Adds a packet; returns its slot. {@code destination} is ignored for WireGuard. */
    public int add(InetSocketAddress dest, String peer, byte[] bytes) {
        return add(dest, peer, bytes, 0, bytes.length);
    }

    /**
     * Adds a packet whose payload is {@code array[offset, offset+length)}, read when the packet
     * is written: the caller keeps the array unchanged until {@link #done()} completes.
     */
    public int add(InetSocketAddress dest, String peer, byte[] array, int offset, int length) {
        int slot = count++;
        destination[slot] = dest;
        peerKey[slot] = peer;
        payload[slot] = array;
        payloadOffset[slot] = offset;
        payloadLength[slot] = length;
        return slot;
    }

    /** The egress rule the sealed packets' session endpoints must pass (docs/architecture.md#egress-safety). */
    public void endpointPolicy(EgressPolicy policy) {
        this.endpointPolicy = policy;
    }

    public int size() {
        return count;
    }

    /** Outcome of a slot after completion: null when the kernel accepted the datagram. */
    public DiscardReason outcome(int slot) {
        return outcome[slot];
    }

    public CompletableFuture<Void> done() {
        return done;
    }

    void start(ListenerSocket owner, int granted) {
        socket = owner;
        // Slots beyond the grant never enter the queue: the Listener's queue is full.
        for (int i = granted; i < count; i++) {
            outcome[i] = DiscardReason.SendError;
            settled[i] = true;
        }
        this.granted = granted;
        open.set(granted);
        if (granted == 0) done.complete(null);
    }

    void finish(int slot, DiscardReason reason) {
        outcome[slot] = reason;
        settled[slot] = true;
        payload[slot] = null;
        if (open.decrementAndGet() == 0) {
            socket.completed(this, granted);
            done.complete(null);
        }
    }

    /** After a wait timed out: slots not settled yet are reported as SendError. */
    public void expireOpen() {
        // The open counter is volatile; reading it orders the settled[] reads after it.
        open.get();
        for (int i = 0; i < count; i++) {
            if (!settled[i]) outcome[i] = DiscardReason.SendError;
        }
    }

    @Override
    public void operationComplete(ChannelFuture future) {
        SlotPromise p = (SlotPromise) future;
        finish(p.slot, future.isSuccess() ? null : DiscardReason.SendError);
    }
}
