package com.proxylity.packetsource.core.wireguard;

import com.proxylity.packetsource.core.wireguard.crypto.Blake2s;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;

/**
 * Per-peer state of a Listener. Keypair slots follow wireguard-go: a responder's new keypair waits
 * in {@code next} until the initiator proves it has it (its first transport message on it), then
 * becomes {@code current}; the old current becomes {@code previous}, still good for receiving.
 * Mutations hold the monitor of this object; {@code seal} only reads the volatile fields, except
 * {@link #noteSent}, which sealers on several threads call at once.
 */
final class Peer {
    private static final VarHandle LAST_SENT;
    /** No send yet (a nanoTime reading of exactly this value would only count as none). */
    static final long UNSET = Long.MIN_VALUE;

    static {
        try {
            LAST_SENT = MethodHandles.lookup().findVarHandle(Peer.class, "lastSentNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final PeerKey key;
    final byte[] presharedKey;
    final long persistentKeepaliveNanos;
    /** DH(our static private, peer static public), fixed for the pair: computed once. */
    final byte[] staticStatic;
    /** HASH(LABEL_MAC1 || peer public): keys mac1 of our responses. */
    final byte[] mac1Key;

    volatile Keypair current;
    volatile Keypair previous;
    volatile Keypair next;
    volatile InetSocketAddress endpoint;
    /** Set when a current keypair aged out, so sealing says SessionExpired rather than NoSession. */
    volatile boolean hadSession;
    /** {@link #UNSET} until the first send: one variable, so "first" and "latest" cannot disagree. */
    volatile long lastSentNanos = UNSET;

    // Guarded by this.
    byte[] lastTimestamp;
    long lastInitiationNanos;
    boolean initiationSeen;
    long lastDataReceivedNanos;
    boolean keepaliveDue;
    /** Our own initiation to this peer awaiting its response (we initiate only to recover a session). */
    Noise.Initiator initiating;
    long initiatedNanos;
    boolean initiatedAny;

    Peer(PeerConfig config, byte[] staticStatic) {
        this.key = config.publicKey();
        this.presharedKey = config.presharedKey() == null ? new byte[32] : config.presharedKey();
        this.persistentKeepaliveNanos = config.persistentKeepaliveNanos();
        this.staticStatic = staticStatic;
        this.mac1Key = Blake2s.hash(WireGuardProtocol.LABEL_MAC1, key.raw());
    }

    /**
     * Records a send at {@code nowNanos}. Sealers on different threads read the clock before they
     * get here, in any order: keep the latest reading, so the keepalive timers never see the last
     * send move back in time. A batch shares one reading, so this writes once per batch.
     */
    void noteSent(long nowNanos) {
        long seen = lastSentNanos;
        while ((seen == UNSET || nowNanos - seen > 0) && !LAST_SENT.compareAndSet(this, seen, nowNanos)) {
            seen = lastSentNanos;
        }
    }

    /** Whether anything was sent to this peer yet. */
    boolean sentAny() {
        return lastSentNanos != UNSET;
    }
}
