package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.core.contract.DiscardReason;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The packets of one egress request bound for one Listener, and their outcomes: the value that
 * travels down stages 5–9 of the send path (package comment of
 * {@code com.proxylity.packetsource.sender}). Filled by the request's thread, read by the encoder, settled by
 * {@link SendCompletion}; it calls nobody. Arrays, not per-packet objects: one allocation per
 * request, not per packet.
 */
public final class Outbound {
    private final InetSocketAddress[] destination;
    private final String[] peerKey;
    /** Each payload is {@code payload[slot][payloadOffset[slot], +payloadLength[slot])}. */
    private final byte[][] payload;
    private final int[] payloadOffset;
    private final int[] payloadLength;
    /** Per slot: null = sent, else the discard reason. Valid after {@link #done()} completes. */
    private final DiscardReason[] outcome;
    /** Per slot: set once the slot is settled, so a timed-out caller can tell open slots. */
    private final boolean[] settled;
    private final AtomicInteger open = new AtomicInteger();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private int count;

    public Outbound(int capacity) {
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

    /** After a wait timed out: slots not settled yet are reported as SendError. */
    public void expireOpen() {
        // The open counter is volatile; reading it orders the settled[] reads after it.
        open.get();
        for (int i = 0; i < count; i++) {
            if (!settled[i]) outcome[i] = DiscardReason.SendError;
        }
    }

    InetSocketAddress destination(int slot) {
        return destination[slot];
    }

    String peerKey(int slot) {
        return peerKey[slot];
    }

    byte[] payload(int slot) {
        return payload[slot];
    }

    int payloadOffset(int slot) {
        return payloadOffset[slot];
    }

    int payloadLength(int slot) {
        return payloadLength[slot];
    }

    /** The first {@code granted} slots are queued; the rest never enter it (the queue is full). */
    void open(int granted) {
        for (int i = granted; i < count; i++) {
            outcome[i] = DiscardReason.SendError;
            settled[i] = true;
        }
        open.set(granted);
    }

    /** Records a queued slot's outcome; true when it was the last one open. */
    boolean settle(int slot, DiscardReason reason) {
        outcome[slot] = reason;
        settled[slot] = true;
        payload[slot] = null;
        return open.decrementAndGet() == 0;
    }

    void complete() {
        done.complete(null);
    }
}
