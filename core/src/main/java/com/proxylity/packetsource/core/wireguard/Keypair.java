package com.proxylity.packetsource.core.wireguard;

import com.proxylity.packetsource.core.wireguard.crypto.AeadKey;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One session's transport keys. The sending counter is owned by this object alone: every sealed
 * message takes {@code getAndIncrement()}, so concurrent sealers get distinct counters and none is
 * ever reused. The keys never leave it and are never logged.
 */
final class Keypair {
    final Peer peer;
    final int localIndex;
    final int remoteIndex;
    final boolean initiator;
    final long createdNanos;
    final AeadKey sendKey;
    final AeadKey receiveKey;
    private final AtomicLong sendCounter;
    /** Set before the keys are erased; a seal that overlapped erasure checks it and discards its output. */
    volatile boolean destroyed;
    private final ReplayWindow replay = new ReplayWindow();

    Keypair(Peer peer, int localIndex, int remoteIndex, boolean initiator, long createdNanos,
            AeadKey sendKey, AeadKey receiveKey) {
        this(peer, localIndex, remoteIndex, initiator, createdNanos, sendKey, receiveKey, 0);
    }

    /** {@code firstCounter} is for tests of counter exhaustion only. */
    Keypair(Peer peer, int localIndex, int remoteIndex, boolean initiator, long createdNanos,
            AeadKey sendKey, AeadKey receiveKey, long firstCounter) {
        this.peer = peer;
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.initiator = initiator;
        this.createdNanos = createdNanos;
        this.sendKey = sendKey;
        this.receiveKey = receiveKey;
        this.sendCounter = new AtomicLong(firstCounter);
    }

    /**
     * The next sending counter, or -1 once RejectAfterMessages is reached (then forever: the
     * counter is pinned at the limit so it can never wrap back to a used value).
     */
    long nextSendCounter() {
        long n = sendCounter.getAndIncrement();
        if (Long.compareUnsigned(n, WireGuardProtocol.REJECT_AFTER_MESSAGES) >= 0) {
            sendCounter.set(WireGuardProtocol.REJECT_AFTER_MESSAGES);
            return -1;
        }
        return n;
    }

    /** Tests only: jump the sending counter (to exercise RejectAfterMessages). */
    void setSendCounterForTest(long next) {
        sendCounter.set(next);
    }

    long sentMessages() {
        long n = sendCounter.get();
        return Long.compareUnsigned(n, WireGuardProtocol.REJECT_AFTER_MESSAGES) >= 0 ? WireGuardProtocol.REJECT_AFTER_MESSAGES : n;
    }

    boolean exhausted() {
        return Long.compareUnsigned(sendCounter.get(), WireGuardProtocol.REJECT_AFTER_MESSAGES) >= 0;
    }

    boolean expiredAt(long nowNanos) {
        return nowNanos - createdNanos >= WireGuardProtocol.REJECT_AFTER_TIME;
    }

    boolean acceptCounter(long counter) {
        synchronized (replay) {
            return replay.accept(counter);
        }
    }

    void destroy() {
        destroyed = true;
        // No wiping store may become visible before the flag: a sealer on another thread that
        // read wiped bytes must find it set (WireGuardListenerEngine.seal's acquire fence).
        VarHandle.fullFence();
        sendKey.destroy();
        receiveKey.destroy();
    }
}
