package com.proxylity.packetsource.core.wireguard;

import static com.proxylity.packetsource.core.wireguard.WireGuardProtocol.*;

import com.proxylity.packetsource.core.wireguard.crypto.Blake2s;
import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import com.proxylity.packetsource.core.wireguard.crypto.Entropy;
import com.proxylity.packetsource.core.wireguard.crypto.Tai64n;
import com.proxylity.packetsource.core.wireguard.crypto.X25519Keys;
import java.net.InetSocketAddress;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The WireGuard side of one Listener, as a pure state machine (no sockets, no threads, no clock:
 * the caller passes a monotonic {@code nowNanos}, e.g. {@link System#nanoTime()}). The caller owns
 * the UDP socket: it hands every received datagram to {@link #receive} and writes back what it
 * returns, seals egress packets with {@link #seal}, and calls {@link #tick} about once a second.
 *
 * <p>We are always the responder: peers (WireGuard clients) initiate handshakes; this engine never
 * does. A new session becomes usable for sending once the initiator's first transport message on
 * it arrives (wireguard-go sends a keepalive right after it receives our response), which is when
 * {@link SessionEvent.Kind#ESTABLISHED} is reported.
 *
 * <p>Thread-safety: all methods may be called from any thread. {@link #seal} takes no lock: it
 * reads the peer's current keypair and takes its next counter from an atomic, so many threads can
 * seal for one peer at once and every message gets a distinct counter. See docs/wireguard.md.
 */
public final class WireGuardListenerEngine {
    private static final byte[] EMPTY = new byte[0];

    private final byte[] staticPrivate;
    private final PeerKey publicKey;
    private final byte[] hash0;
    private final CookieChecker cookies;
    private final Entropy entropy;
    private final ChaChaPoly aead;
    private final boolean answerKeepalives;
    private final int paddingMtu;
    private final HandshakeLoad load;
    private final Map<PeerKey, Peer> peers = new ConcurrentHashMap<>();
    private final Map<Integer, Keypair> byIndex = new ConcurrentHashMap<>();
    /** Our initiations awaiting a response, by the sender index we put in them. */
    private final Map<Integer, Peer> initiatingByIndex = new ConcurrentHashMap<>();
    /** Wall-clock epoch nanos of our last initiation's timestamp: the next one is strictly later. */
    private long lastInitiationEpochNanos = Long.MIN_VALUE;
    private volatile boolean underLoad;
    /** Retired keypairs wait here before their keys are erased, so a seal already under way finishes first. */
    private final Queue<Retired> graveyard = new ConcurrentLinkedQueue<>();
    /** Latest time seen by receive/tick: the clock for retirements that come without one (putPeer, removePeer). */
    private volatile long lastNowNanos;
    private volatile boolean clockSeen;

    private record Retired(Keypair keypair, long retiredNanos) {}

    /** How long a retired keypair's keys are kept before erasure (no seal takes anywhere near this long). */
    static final long ERASE_GRACE = KEEPALIVE_TIMEOUT;

    private WireGuardListenerEngine(Builder b) {
        this.staticPrivate = X25519Keys.privateKeyFrom(b.privateKey);
        byte[] pub = X25519Keys.publicKey(staticPrivate);
        this.publicKey = PeerKey.of(pub);
        this.hash0 = Noise.responderHash0(pub);
        this.entropy = b.entropy;
        this.cookies = new CookieChecker(pub, b.entropy);
        this.aead = b.aead;
        this.answerKeepalives = b.answerKeepalives;
        this.paddingMtu = b.paddingMtu;
        this.load = new HandshakeLoad(b.handshakesPerSecond);
    }

    /** @param privateKey the Listener's static X25519 private key (32 bytes; clamped here) */
    public static Builder builder(byte[] privateKey) {
        return new Builder(privateKey);
    }

    public static final class Builder {
        private final byte[] privateKey;
        private Entropy entropy = Entropy.secure();
        private ChaChaPoly aead = ChaChaPoly.preferred();
        private boolean answerKeepalives = true;
        private int paddingMtu = 1420;
        private int handshakesPerSecond = HandshakeLoad.DEFAULT_PER_SECOND;

        private Builder(byte[] privateKey) {
            if (privateKey == null || privateKey.length != 32) throw new IllegalArgumentException("private key: 32 bytes");
            this.privateKey = privateKey.clone();
        }

        /** Source of ephemeral keys, indices, cookie secrets and nonces (default SecureRandom). */
        public Builder entropy(Entropy e) { this.entropy = e; return this; }

        /** Transport AEAD implementation (default {@link ChaChaPoly#preferred()}). */
        public Builder aead(ChaChaPoly a) { this.aead = a; return this; }

        /**
         * Answer a peer's keepalive with one of ours unless we sent it something within
         * KeepaliveTimeout (docs/architecture.md#wireguard-rules; default on). Stock peers never answer keepalives,
         * so this cannot ping-pong with them.
         */
        public Builder answerKeepalives(boolean on) { this.answerKeepalives = on; return this; }

        /** Padding never grows an inner packet past this (the peers' tunnel MTU, default 1420). */
        public Builder paddingMtu(int mtu) { this.paddingMtu = mtu; return this; }

        /**
         * Initiations (with a valid mac1) per second that are answered before the engine
         * considers itself under load and demands cookies (paper section 5.4.7); 0 leaves it to
         * {@link #setUnderLoad} alone. Default {@value HandshakeLoad#DEFAULT_PER_SECOND}.
         */
        public Builder handshakesPerSecond(int n) {
            if (n < 0) throw new IllegalArgumentException("handshakesPerSecond >= 0");
            this.handshakesPerSecond = n;
            return this;
        }

        public WireGuardListenerEngine build() { return new WireGuardListenerEngine(this); }
    }

    public PeerKey publicKey() { return publicKey; }

    /**
     * Allows a peer (or changes its settings). Re-putting an unchanged config keeps its sessions,
     * so the caller may re-apply the registry periodically; a changed one drops them.
     */
    public void putPeer(PeerConfig config) {
        Peer existing = peers.get(config.publicKey());
        if (existing != null
                && Arrays.equals(existing.presharedKey, config.presharedKey() == null ? new byte[32] : config.presharedKey())
                && existing.persistentKeepaliveNanos == config.persistentKeepaliveNanos()) {
            return;
        }
        byte[] ss = X25519Keys.dh(staticPrivate, config.publicKey().raw());
        Peer fresh = new Peer(config, ss);
        if (existing != null) {
            synchronized (existing) {
                // Keep the replay defence: an old initiation must stay stale after a config change.
                fresh.lastTimestamp = existing.lastTimestamp;
                fresh.lastInitiationNanos = existing.lastInitiationNanos;
                fresh.initiationSeen = existing.initiationSeen;
            }
        }
        Peer old = peers.put(config.publicKey(), fresh);
        if (old != null) dropKeypairs(old);
    }

    /** Forbids a peer: its sessions end at once. Returns false if it was not allowed. */
    public boolean removePeer(PeerKey key) {
        Peer old = peers.remove(key);
        if (old == null) return false;
        dropKeypairs(old);
        return true;
    }

    public Set<PeerKey> peers() { return Set.copyOf(peers.keySet()); }

    /**
     * While set, initiations without a valid mac2 get a cookie reply instead of a response. The
     * engine also turns this on by itself for a while when initiations arrive faster than
     * {@link Builder#handshakesPerSecond}.
     */
    public void setUnderLoad(boolean underLoad) { this.underLoad = underLoad; }

    public boolean underLoad() { return underLoad; }

    /** Size of the transport message {@link #seal} writes for an inner packet of this length. */
    public int sealedSize(int innerLength) { return WireGuardProtocol.sealedSize(innerLength, paddingMtu); }

    // ---------------------------------------------------------------- receive

    /**
     * Handles one datagram received on the Listener socket from {@code from}. Consumes the
     * buffer's remaining bytes. Never throws on bad input: the result's {@code drop} says why it
     * was ignored.
     */
    public InboundResult receive(ByteBuffer datagram, InetSocketAddress from, long nowNanos) {
        noteNow(nowNanos);
        int len = datagram.remaining();
        if (len < 4) return consumeAndDrop(datagram, InboundDrop.MALFORMED);
        int p = datagram.position();
        int type = datagram.get(p) & 0xFF;
        if (datagram.get(p + 1) != 0 || datagram.get(p + 2) != 0 || datagram.get(p + 3) != 0) {
            return consumeAndDrop(datagram, InboundDrop.MALFORMED);
        }
        switch (type) {
            case MESSAGE_TRANSPORT:
                return receiveTransport(datagram, from, nowNanos);
            case MESSAGE_INITIATION:
                return receiveInitiation(datagram, from, nowNanos);
            case MESSAGE_RESPONSE:
                return receiveResponse(datagram, from, nowNanos);
            case MESSAGE_COOKIE_REPLY:
                return consumeAndDrop(datagram, InboundDrop.UNEXPECTED);
            default:
                return consumeAndDrop(datagram, InboundDrop.MALFORMED);
        }
    }

    private static InboundResult consumeAndDrop(ByteBuffer d, InboundDrop why) {
        d.position(d.limit());
        return InboundResult.dropped(why);
    }

    private InboundResult receiveInitiation(ByteBuffer d, InetSocketAddress from, long now) {
        if (d.remaining() != MESSAGE_INITIATION_SIZE) return consumeAndDrop(d, InboundDrop.MALFORMED);
        byte[] msg = new byte[MESSAGE_INITIATION_SIZE];
        d.get(msg);
        if (!cookies.mac1Valid(msg, Noise.INIT_MAC1)) return InboundResult.dropped(InboundDrop.BAD_MAC1);
        // Every initiation past mac1 costs several X25519 operations; mac1 only proves knowledge
        // of our public key, which is public. So the rate of them decides "under load" too.
        boolean loaded = load.note(now) | underLoad;
        if (loaded && !cookies.mac2Valid(msg, Noise.INIT_MAC2, from, now)) {
            byte[] reply = cookies.cookieReply(msg, Noise.le32(msg, Noise.INIT_SENDER), Noise.INIT_MAC1, from, now);
            return InboundResult.dropped(InboundDrop.COOKIE_REQUIRED, new OutboundDatagram(reply, from));
        }
        Noise.ResponderState s = Noise.readInitiationStatic(msg, staticPrivate, hash0);
        if (s == null) return InboundResult.dropped(InboundDrop.HANDSHAKE_FAILED);
        Peer peer = peers.get(PeerKey.of(s.initiatorStatic));
        if (peer == null) return InboundResult.dropped(InboundDrop.UNKNOWN_PEER);
        if (!Noise.readInitiationTimestamp(s, msg, peer.staticStatic)) return InboundResult.dropped(InboundDrop.HANDSHAKE_FAILED);

        List<SessionEvent> events = new ArrayList<>(1);
        byte[] resp = new byte[MESSAGE_RESPONSE_SIZE];
        synchronized (peer) {
            if (peers.get(peer.key) != peer) return InboundResult.dropped(InboundDrop.UNKNOWN_PEER);
            if (!Tai64n.isAfter(s.timestamp, peer.lastTimestamp)) return InboundResult.dropped(InboundDrop.STALE_TIMESTAMP);
            if (peer.initiationSeen && now - peer.lastInitiationNanos < HANDSHAKE_INITIATION_RATE) {
                return InboundResult.dropped(InboundDrop.FLOOD);
            }
            byte[] ephemeral = X25519Keys.generatePrivateKey(entropy);
            Noise.TransportKeys keys = Noise.writeResponse(s, ephemeral, peer.presharedKey, 0, resp);
            Arrays.fill(ephemeral, (byte) 0);
            if (keys == null) return InboundResult.dropped(InboundDrop.HANDSHAKE_FAILED);
            Keypair kp = register(peer, s.initiatorIndex, now, keys);
            Arrays.fill(keys.send(), (byte) 0);
            Arrays.fill(keys.receive(), (byte) 0);
            Noise.putLe32(resp, Noise.RESP_SENDER, kp.localIndex);
            byte[] mac1 = Blake2s.mac(peer.mac1Key, resp, 0, Noise.RESP_MAC1);
            System.arraycopy(mac1, 0, resp, Noise.RESP_MAC1, mac1.length);
            // mac2 stays zero: we never hold a cookie from a peer (peers only send cookies to initiators).

            peer.lastTimestamp = s.timestamp;
            peer.lastInitiationNanos = now;
            peer.initiationSeen = true;
            retire(peer.next);
            peer.next = kp;
            retire(peer.previous);
            peer.previous = null;
            // A valid initiation is authenticated (static key + fresh timestamp): roam to its source.
            if (!from.equals(peer.endpoint)) {
                peer.endpoint = from;
                Keypair cur = peer.current;
                if (cur != null && !cur.expiredAt(now)) {
                    events.add(new SessionEvent(SessionEvent.Kind.ENDPOINT_CHANGED, peer.key, from,
                            cur.createdNanos, cur.createdNanos + REJECT_AFTER_TIME));
                }
            }
        }
        return new InboundResult(List.of(new OutboundDatagram(resp, from)), List.of(), events, peer.key, null);
    }

    /** Creates the keypair under a fresh random local index that no live keypair uses. */
    private Keypair register(Peer peer, int remoteIndex, long now, Noise.TransportKeys keys) {
        var send = aead.newKey(keys.send());
        var receive = aead.newKey(keys.receive());
        byte[] r = new byte[4];
        while (true) {
            entropy.nextBytes(r);
            int idx = Noise.le32(r, 0);
            if (initiatingByIndex.containsKey(idx)) continue;
            Keypair kp = new Keypair(peer, idx, remoteIndex, false, now, send, receive);
            if (byIndex.putIfAbsent(idx, kp) == null) return kp;
        }
    }

    // ---------------------------------------------------------------- initiator (recovery only)

    /**
     * Starts a handshake to {@code peer} at {@code endpoint} from this Listener: the initiator side
     * of Noise_IKpsk2. The sender calls it when a transport message arrives from a peer whose
     * session this engine does not hold — the task that held it died, or the load balancer moved
     * the peer's flow here — so the peer need not wait for its own rekey (up to 120 s after its
     * last handshake) before egress to it works again. At most one initiation per peer per
     * RekeyTimeout (5 s), which also bounds what a spoofed datagram can make us send.
     *
     * <p>The timestamp is the wall clock ({@code epochNanos}), kept strictly increasing by this
     * engine. Tasks sharing a Listener key are told apart by nothing but their timestamps, and a
     * peer accepts an initiation only if its timestamp is later than the last it accepted under
     * that key, from any task: synchronized clocks (Amazon Time Sync, chrony: well under a
     * millisecond apart) and the 5 s between one peer's initiations keep them ordered.
     *
     * @return the initiation to send to {@code endpoint}, or empty (not an allowed peer, or an
     *     initiation to it is already under way)
     */
    public Optional<OutboundDatagram> initiate(PeerKey peerKey, InetSocketAddress endpoint, long nowNanos, long epochNanos) {
        noteNow(nowNanos);
        Peer peer = peers.get(peerKey);
        if (peer == null) return Optional.empty();
        byte[] msg;
        synchronized (peer) {
            if (peer.initiatedAny && nowNanos - peer.initiatedNanos < REKEY_TIMEOUT) return Optional.empty();
            int idx;
            byte[] r = new byte[4];
            do {
                entropy.nextBytes(r);
                idx = Noise.le32(r, 0);
            } while (byIndex.containsKey(idx) || initiatingByIndex.putIfAbsent(idx, peer) != null);
            if (peer.initiating != null) initiatingByIndex.remove(peer.initiating.localIndex, peer);
            Noise.Initiator h = new Noise.Initiator(staticPrivate, peer.key.raw(), peer.presharedKey, idx);
            byte[] ephemeral = X25519Keys.generatePrivateKey(entropy);
            msg = h.writeInitiation(ephemeral, nextTimestamp(epochNanos));
            byte[] mac1 = Blake2s.mac(peer.mac1Key, msg, 0, Noise.INIT_MAC1);
            System.arraycopy(mac1, 0, msg, Noise.INIT_MAC1, mac1.length);
            peer.initiating = h;
            peer.initiatedNanos = nowNanos;
            peer.initiatedAny = true;
            peer.endpoint = endpoint;
        }
        return Optional.of(new OutboundDatagram(msg, endpoint));
    }

    private synchronized byte[] nextTimestamp(long epochNanos) {
        long step = 1L << 24; // the whitener's granularity: one step later is a later timestamp
        long t = lastInitiationEpochNanos == Long.MIN_VALUE ? epochNanos : Math.max(epochNanos, lastInitiationEpochNanos + step);
        lastInitiationEpochNanos = t;
        return Tai64n.of(Math.floorDiv(t, 1_000_000_000L), (int) Math.floorMod(t, 1_000_000_000L));
    }

    /**
     * The peer answered our initiation. As initiator we may send on the new keypair at once; the
     * keepalive sent with it lets the peer confirm the keypair in turn (it waits for our first
     * transport message, as we do as responder).
     */
    private InboundResult receiveResponse(ByteBuffer d, InetSocketAddress from, long now) {
        if (d.remaining() != MESSAGE_RESPONSE_SIZE) return consumeAndDrop(d, InboundDrop.MALFORMED);
        byte[] msg = new byte[MESSAGE_RESPONSE_SIZE];
        d.get(msg);
        if (!cookies.mac1Valid(msg, Noise.RESP_MAC1)) return InboundResult.dropped(InboundDrop.BAD_MAC1);
        Peer peer = initiatingByIndex.get(Noise.le32(msg, Noise.RESP_RECEIVER));
        if (peer == null) return InboundResult.dropped(InboundDrop.UNEXPECTED);
        List<SessionEvent> events = new ArrayList<>(1);
        byte[] keepalive;
        synchronized (peer) {
            Noise.Initiator h = peer.initiating;
            if (h == null || h.localIndex != Noise.le32(msg, Noise.RESP_RECEIVER) || peers.get(peer.key) != peer
                    || now - peer.initiatedNanos >= REKEY_TIMEOUT) {
                return InboundResult.dropped(InboundDrop.UNEXPECTED);
            }
            Noise.TransportKeys keys = h.readResponse(msg);
            if (keys == null) return InboundResult.dropped(InboundDrop.HANDSHAKE_FAILED);
            peer.initiating = null;
            // The peer addresses us by the index our initiation announced; it was reserved then.
            Keypair kp = new Keypair(peer, h.localIndex, Noise.le32(msg, Noise.RESP_SENDER), true, now,
                    aead.newKey(keys.send()), aead.newKey(keys.receive()));
            byIndex.put(h.localIndex, kp);
            initiatingByIndex.remove(h.localIndex, peer);
            Arrays.fill(keys.send(), (byte) 0);
            Arrays.fill(keys.receive(), (byte) 0);
            retire(peer.previous);
            // The endpoint first: a sealer on another socket that sees the new keypair sees where it goes.
            peer.endpoint = from;
            peer.previous = peer.current;
            peer.current = kp;
            peer.hadSession = false;
            events.add(new SessionEvent(SessionEvent.Kind.ESTABLISHED, peer.key, from, kp.createdNanos,
                    kp.createdNanos + REJECT_AFTER_TIME));
            keepalive = sealKeepalive(peer, now);
        }
        List<OutboundDatagram> out = keepalive == null ? List.of() : List.of(new OutboundDatagram(keepalive, from));
        return new InboundResult(out, List.of(), events, peer.key, null);
    }

    private InboundResult receiveTransport(ByteBuffer d, InetSocketAddress from, long now) {
        int len = d.remaining();
        if (len < MESSAGE_KEEPALIVE_SIZE) return consumeAndDrop(d, InboundDrop.MALFORMED);
        int p = d.position();
        int idx = leInt(d, p + 4);
        long counter = leLong(d, p + 8);
        Keypair kp = byIndex.get(idx);
        if (kp == null) return consumeAndDrop(d, InboundDrop.UNKNOWN_INDEX);
        if (kp.expiredAt(now)) return consumeAndDrop(d, InboundDrop.KEYPAIR_EXPIRED);
        if (Long.compareUnsigned(counter, REJECT_AFTER_MESSAGES) >= 0) return consumeAndDrop(d, InboundDrop.REPLAY);
        ByteBuffer ciphertext = d.duplicate();
        ciphertext.position(p + MESSAGE_TRANSPORT_HEADER_SIZE).limit(p + len);
        d.position(p + len);
        ByteBuffer plain = ByteBuffer.allocate(len - MESSAGE_KEEPALIVE_SIZE);
        int n;
        try {
            n = kp.receiveKey.open(counter, ciphertext, plain);
        } catch (RuntimeException e) {
            n = -1; // a crafted datagram must never take the receive loop down
        }
        if (n < 0) return InboundResult.dropped(InboundDrop.DECRYPT_FAILED);
        // Only after authentication may the counter move the window (or a forger could slide it).
        if (!kp.acceptCounter(counter)) return InboundResult.dropped(InboundDrop.REPLAY);

        Peer peer = kp.peer;
        List<SessionEvent> events = new ArrayList<>(1);
        List<OutboundDatagram> toSend = List.of();
        List<DeliveredPacket> delivered = List.of();
        synchronized (peer) {
            boolean established = false;
            if (peer.next == kp) {
                // The initiator proved it holds the new keys: switch sending to them.
                retire(peer.previous);
                // The endpoint first: a sealer on another socket that sees the new keypair sees where it goes.
                peer.endpoint = from;
                peer.previous = peer.current;
                peer.current = kp;
                peer.next = null;
                peer.hadSession = false;
                established = true;
                events.add(new SessionEvent(SessionEvent.Kind.ESTABLISHED, peer.key, from, kp.createdNanos,
                        kp.createdNanos + REJECT_AFTER_TIME));
            } else if (!from.equals(peer.endpoint)) {
                peer.endpoint = from;
                Keypair cur = peer.current;
                if (cur != null) {
                    events.add(new SessionEvent(SessionEvent.Kind.ENDPOINT_CHANGED, peer.key, from, cur.createdNanos,
                            cur.createdNanos + REJECT_AFTER_TIME));
                }
            }
            if (n == 0) {
                if (answerKeepalives && (!peer.sentAny() || now - peer.lastSentNanos >= KEEPALIVE_TIMEOUT)) {
                    byte[] ka = sealKeepalive(peer, now);
                    if (ka != null) toSend = List.of(new OutboundDatagram(ka, peer.endpoint));
                }
            } else {
                byte[] packet = Arrays.copyOf(plain.array(), innerLength(plain.array(), n));
                delivered = List.of(new DeliveredPacket(peer.key, packet));
                // Passive keepalive: if we send nothing within KeepaliveTimeout, tick() sends one.
                peer.lastDataReceivedNanos = now;
                peer.keepaliveDue = true;
            }
        }
        return new InboundResult(toSend, delivered, events, peer.key, null);
    }

    /** The inner packet's own length from its IPv4/IPv6 header, which strips WireGuard padding. */
    private static int innerLength(byte[] b, int n) {
        if (n >= 20 && (b[0] >> 4 & 0xF) == 4) {
            int total = (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
            if (total >= 20 && total <= n) return total;
        } else if (n >= 40 && (b[0] >> 4 & 0xF) == 6) {
            int total = 40 + ((b[4] & 0xFF) << 8 | (b[5] & 0xFF));
            if (total <= n) return total;
        }
        return n;
    }

    // ---------------------------------------------------------------- send

    /**
     * Seals {@code innerPacket}'s remaining bytes (a whole inner IP packet; padding is added here)
     * as a transport message for {@code peer} into {@code out} at its position. On success both
     * buffers are advanced and the result names the endpoint to send to (the peer's last
     * authenticated endpoint); otherwise nothing is written and the result carries
     * {@code NoSession} (unknown peer, or no confirmed session yet), {@code SessionExpired}
     * (RejectAfterTime passed or RejectAfterMessages reached) or {@code TooLarge}.
     *
     * @throws IllegalArgumentException when {@code out} has less than {@link #sealedSize} remaining
     */
    public SealResult seal(PeerKey peer, ByteBuffer innerPacket, ByteBuffer out, long nowNanos) {
        Peer p = peers.get(peer);
        if (p == null) return SealResult.NO_SESSION;
        Keypair kp = p.current;
        if (kp == null) return p.hadSession ? SealResult.SESSION_EXPIRED : SealResult.NO_SESSION;
        if (kp.expiredAt(nowNanos)) return SealResult.SESSION_EXPIRED;
        int len = innerPacket.remaining();
        if (len > MAX_CONTENT_SIZE) return SealResult.TOO_LARGE;
        int pad = paddingLength(len, paddingMtu);
        int total = MESSAGE_KEEPALIVE_SIZE + len + pad;
        if (out.remaining() < total) throw new IllegalArgumentException("output buffer needs " + total + " bytes");
        long counter = kp.nextSendCounter();
        if (counter == -1) return SealResult.SESSION_EXPIRED;
        int start = out.position();
        int innerStart = innerPacket.position();
        writeHeader(out, kp.remoteIndex, counter);
        kp.sendKey.seal(counter, innerPacket, pad, out);
        // The key's bytes were read with plain loads: order them before the check, so a seal that
        // read wiped bytes also sees the flag (Keypair.destroy fences the other side).
        VarHandle.acquireFence();
        if (kp.destroyed) {
            // Erasure overlapped this seal: the output may be under a wiped key. Never send it.
            out.position(start);
            innerPacket.position(innerStart);
            return SealResult.SESSION_EXPIRED;
        }
        p.noteSent(nowNanos);
        return SealResult.sealed(p.endpoint, total);
    }

    /** Same as {@link #seal(PeerKey, ByteBuffer, ByteBuffer, long)} for a raw 32-byte public key. */
    public SealResult seal(byte[] peerPublicKey, ByteBuffer innerPacket, ByteBuffer out, long nowNanos) {
        return seal(PeerKey.of(peerPublicKey), innerPacket, out, nowNanos);
    }

    /** A keepalive (empty transport message) on the current keypair, or null if none is usable. */
    private byte[] sealKeepalive(Peer p, long now) {
        Keypair kp = p.current;
        if (kp == null || kp.expiredAt(now)) return null;
        long counter = kp.nextSendCounter();
        if (counter == -1) return null;
        ByteBuffer out = ByteBuffer.allocate(MESSAGE_KEEPALIVE_SIZE);
        writeHeader(out, kp.remoteIndex, counter);
        kp.sendKey.seal(counter, ByteBuffer.wrap(EMPTY), 0, out);
        if (kp.destroyed) return null;
        p.noteSent(now);
        return out.array();
    }

    private static void writeHeader(ByteBuffer out, int receiverIndex, long counter) {
        out.put((byte) MESSAGE_TRANSPORT).put((byte) 0).put((byte) 0).put((byte) 0);
        for (int i = 0; i < 4; i++) out.put((byte) (receiverIndex >>> (8 * i)));
        for (int i = 0; i < 8; i++) out.put((byte) (counter >>> (8 * i)));
    }

    // ---------------------------------------------------------------- timers

    /**
     * Runs the timers; call about once a second. Sends passive keepalives (KeepaliveTimeout after
     * data was received with nothing sent since) and persistent keepalives, and ends keypairs past
     * RejectAfterTime (erasing their keys), reporting {@code EXPIRED} for sending sessions.
     */
    public TickResult tick(long nowNanos) {
        return tick(nowNanos, Long.MIN_VALUE);
    }

    /**
     * {@link #tick(long)}, and rekeys the sessions this engine initiated: their peer, as responder,
     * never rekeys on age (wireguard-go rekeys only keypairs it initiated), so past RekeyAfterTime
     * we start a new handshake ourselves, as an initiator must.
     *
     * @param epochNanos wall clock for the initiations' timestamps ({@link #initiate})
     */
    public TickResult tick(long nowNanos, long epochNanos) {
        noteNow(nowNanos);
        eraseRetired(nowNanos);
        List<OutboundDatagram> toSend = new ArrayList<>();
        List<SessionEvent> events = new ArrayList<>();
        for (Peer peer : peers.values()) {
            synchronized (peer) {
                Keypair cur = peer.current;
                if (cur != null && cur.expiredAt(nowNanos)) {
                    retire(cur);
                    // Before current goes: a concurrent sealer that finds none reports it expired.
                    peer.hadSession = true;
                    peer.current = null;
                    events.add(new SessionEvent(SessionEvent.Kind.EXPIRED, peer.key, peer.endpoint, cur.createdNanos,
                            cur.createdNanos + REJECT_AFTER_TIME));
                }
                if (peer.previous != null && peer.previous.expiredAt(nowNanos)) {
                    retire(peer.previous);
                    peer.previous = null;
                }
                if (peer.next != null && peer.next.expiredAt(nowNanos)) {
                    retire(peer.next);
                    peer.next = null;
                }
                if (peer.current == null) {
                    peer.keepaliveDue = false;
                    continue;
                }
                boolean send = false;
                if (peer.keepaliveDue && nowNanos - peer.lastDataReceivedNanos >= KEEPALIVE_TIMEOUT) {
                    peer.keepaliveDue = false;
                    send = !(peer.sentAny() && peer.lastSentNanos - peer.lastDataReceivedNanos >= 0);
                }
                if (peer.persistentKeepaliveNanos > 0) {
                    long since = peer.sentAny() && peer.lastSentNanos - peer.current.createdNanos > 0
                            ? peer.lastSentNanos : peer.current.createdNanos;
                    if (nowNanos - since >= peer.persistentKeepaliveNanos) send = true;
                }
                if (send) {
                    byte[] ka = sealKeepalive(peer, nowNanos);
                    if (ka != null && peer.endpoint != null) toSend.add(new OutboundDatagram(ka, peer.endpoint));
                }
                if (epochNanos != Long.MIN_VALUE && peer.current.initiator && peer.next == null && peer.endpoint != null
                        && nowNanos - peer.current.createdNanos >= REKEY_AFTER_TIME) {
                    initiate(peer.key, peer.endpoint, nowNanos, epochNanos).ifPresent(toSend::add);
                }
            }
        }
        return new TickResult(toSend, events);
    }

    /** The peer's sending session, if one is usable at {@code nowNanos}. */
    public Optional<SessionInfo> sessionInfo(PeerKey peer, long nowNanos) {
        Peer p = peers.get(peer);
        if (p == null) return Optional.empty();
        Keypair kp = p.current;
        if (kp == null || kp.expiredAt(nowNanos) || kp.exhausted()) return Optional.empty();
        return Optional.of(new SessionInfo(p.key, p.endpoint, kp.createdNanos, kp.createdNanos + REJECT_AFTER_TIME,
                kp.sentMessages()));
    }

    // ---------------------------------------------------------------- internals

    /** Takes a keypair out of use now (no new packets find it); its keys are erased after ERASE_GRACE. */
    private void retire(Keypair kp) {
        if (kp == null) return;
        byIndex.remove(kp.localIndex, kp);
        graveyard.add(new Retired(kp, lastNowNanos));
    }

    private void eraseRetired(long now) {
        for (var it = graveyard.iterator(); it.hasNext(); ) {
            Retired r = it.next();
            if (now - r.retiredNanos() >= ERASE_GRACE) {
                r.keypair().destroy();
                it.remove();
            }
        }
    }

    private void noteNow(long now) {
        if (!clockSeen || now - lastNowNanos > 0) {
            lastNowNanos = now;
            clockSeen = true;
        }
    }

    /** Keypairs retired but not yet erased (tests). */
    int retiredAwaitingErasure() {
        return graveyard.size();
    }

    private void dropKeypairs(Peer p) {
        synchronized (p) {
            retire(p.current);
            retire(p.previous);
            retire(p.next);
            p.current = p.previous = p.next = null;
        }
    }

    /** Test hook: the peer's current (sending) keypair, or null. */
    Keypair currentKeypair(PeerKey peer) {
        Peer p = peers.get(peer);
        return p == null ? null : p.current;
    }

    private static int leInt(ByteBuffer b, int at) {
        return (b.get(at) & 0xFF) | (b.get(at + 1) & 0xFF) << 8 | (b.get(at + 2) & 0xFF) << 16 | (b.get(at + 3) & 0xFF) << 24;
    }

    private static long leLong(ByteBuffer b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (b.get(at + i) & 0xFF);
        return v;
    }
}
