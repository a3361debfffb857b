package com.proxylity.packetsource.sender.wg;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.session.PeerLocator;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.core.wireguard.InboundDrop;
import com.proxylity.packetsource.core.wireguard.InboundResult;
import com.proxylity.packetsource.core.wireguard.OutboundDatagram;
import com.proxylity.packetsource.core.wireguard.PeerConfig;
import com.proxylity.packetsource.core.wireguard.PeerKey;
import com.proxylity.packetsource.core.wireguard.SealResult;
import com.proxylity.packetsource.core.wireguard.SessionEvent;
import com.proxylity.packetsource.core.wireguard.TickResult;
import com.proxylity.packetsource.core.wireguard.WireGuardListenerEngine;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.HashSet;
import java.util.Set;

/**
 * Connects a Listener socket to the pure {@link WireGuardListenerEngine}: datagrams in, replies
 * out, seals on the egress path, and session events published as {@link SessionRecord}s (metadata
 * only; transport keys never leave the engine).
 */
public final class EngineWireGuardPort implements WireGuardPort {
    /** The factory the sender uses for {@code wg} and {@code wg-decap} Listeners. */
    public static WireGuardPorts factory(SessionPublisher publisher) {
        return (listener, senderId, sessions, clock) -> {
            EngineWireGuardPort port = new EngineWireGuardPort(listener, senderId, publisher, clock);
            if (sessions instanceof PeerLocator locator) port.recoverWith(new PeerEndpoints(locator, listener.name()));
            return port;
        };
    }

    private final WireGuardListenerEngine engine;
    private final String listener;
    private final String owner;
    private final SessionPublisher publisher;
    private final Clock clock;
    /** Wall-clock time of each peer's current handshake, fixed once (event-loop thread only). */
    private final Map<PeerKey, Established> established = new HashMap<>();

    private record Established(long nanos, Instant at, Instant expires, String endpoint) {}

    /** Set when the directory can name peers by endpoint: then we initiate to recover lost sessions. */
    private volatile PeerEndpoints peerEndpoints;

    /**
     * Recovery (docs/wireguard.md, "Recovery"): a transport message from a peer whose session we
     * do not hold makes us initiate a handshake to the peer the directory last saw at its source.
     */
    public void recoverWith(PeerEndpoints endpoints) {
        this.peerEndpoints = endpoints;
    }

    public EngineWireGuardPort(ListenerConfig config, String senderId, SessionPublisher publisher, Clock clock) {
        this.engine = WireGuardListenerEngine.builder(config.privateKey()).build();
        this.listener = config.name();
        this.owner = senderId;
        this.publisher = publisher;
        this.clock = clock;
        for (String peer : config.allowedPeers()) engine.putPeer(PeerConfig.of(PeerKey.fromBase64(peer)));
    }

    @Override
    public int setAllowedPeers(Set<String> peers) {
        Set<PeerKey> wanted = new HashSet<>();
        for (String p : peers) wanted.add(PeerKey.fromBase64(p));
        int changed = 0;
        for (PeerKey k : engine.peers()) {
            if (!wanted.contains(k) && engine.removePeer(k)) changed++;
        }
        Set<PeerKey> have = engine.peers();
        for (PeerKey k : wanted) {
            if (!have.contains(k)) {
                engine.putPeer(PeerConfig.of(k));
                changed++;
            }
        }
        return changed;
    }

    /** The Listener's public key (base64), for operators and tests. */
    public String publicKey() {
        return engine.publicKey().toBase64();
    }

    public WireGuardListenerEngine engine() {
        return engine;
    }

    @Override
    public InboundDrop receive(ByteBuf datagram, InetSocketAddress from, long nowNanos,
                               BiConsumer<byte[], InetSocketAddress> reply) {
        InboundResult r = engine.receive(datagram.nioBuffer(), from, nowNanos);
        send(r.toSend(), reply);
        publish(r.events(), nowNanos);
        PeerEndpoints known = peerEndpoints;
        if (r.drop() == InboundDrop.UNKNOWN_INDEX && known != null) {
            String peer = known.peerAt(endpoint(from));
            // The engine allows one initiation per peer per RekeyTimeout, so a flood of forged
            // transport messages from a peer's address costs at most that.
            if (peer != null) {
                engine.initiate(PeerKey.fromBase64(peer), from, nowNanos, epochNanos())
                        .ifPresent(d -> reply.accept(d.bytes(), d.to()));
            }
        }
        return r.drop();
    }

    @Override
    public SealResult seal(String peerKey, ByteBuffer inner, ByteBuf out, long nowNanos) {
        PeerKey key;
        try {
            key = PeerKey.fromBase64(peerKey);
        } catch (IllegalArgumentException e) {
            return SealResult.discarded(DiscardReason.MalformedRemote);
        }
        ByteBuffer dst = out.nioBuffer(out.writerIndex(), out.writableBytes());
        SealResult s = engine.seal(key, inner, dst, nowNanos);
        if (s.isSealed()) out.writerIndex(out.writerIndex() + s.length());
        return s;
    }

    @Override
    public int sealedSize(int innerLength) {
        return engine.sealedSize(innerLength);
    }

    @Override
    public void tick(long nowNanos, BiConsumer<byte[], InetSocketAddress> reply) {
        TickResult t = engine.tick(nowNanos, epochNanos());
        send(t.toSend(), reply);
        publish(t.events(), nowNanos);
    }

    private long epochNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static void send(List<OutboundDatagram> out, BiConsumer<byte[], InetSocketAddress> reply) {
        for (OutboundDatagram d : out) reply.accept(d.bytes(), d.to());
    }

    private void publish(List<SessionEvent> events, long nowNanos) {
        if (events.isEmpty()) return;
        Instant wallNow = clock.instant();
        for (SessionEvent e : events) {
            // Engine times are monotonic nanos; the directory wants wall-clock instants.
            // Converted once per handshake and reused, so a later roam rewrites the record with
            // the identical EstablishedAt (the DynamoDB directory ignores writes older than it).
            Established est = established.get(e.peer());
            Instant at = est != null && est.nanos() == e.establishedNanos() ? est.at()
                    : wallNow.plusNanos(e.establishedNanos() - nowNanos);
            Instant expires = at.plusNanos(e.expiresNanos() - e.establishedNanos());
            String endpoint = endpoint(e.endpoint());
            if (e.kind() == SessionEvent.Kind.EXPIRED) {
                established.remove(e.peer());
            } else {
                established.put(e.peer(), new Established(e.establishedNanos(), at, expires, endpoint));
            }
            publisher.publish(new SessionRecord(listener, e.peer().toBase64(), endpoint, owner, at, expires));
        }
    }

    /**
     * The sender is stopping and its sessions die with it: rewrite every live record with
     * {@code expiresAt = now}, so the pipeline reports SessionExpired at once instead of routing
     * packets to a sender that no longer holds the keys. Call after the Listener's event loop
     * has stopped (the map is confined to it).
     */
    @Override
    public void retireSessions() {
        PeerEndpoints known = peerEndpoints;
        if (known != null) known.close();
        Instant now = clock.instant();
        established.forEach((peer, est) -> {
            if (est.expires().isAfter(now)) {
                publisher.publish(new SessionRecord(listener, peer.toBase64(), est.endpoint(), owner, est.at(), now));
            }
        });
        established.clear();
    }

    static String endpoint(InetSocketAddress a) {
        if (a == null) return null;
        String host = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
