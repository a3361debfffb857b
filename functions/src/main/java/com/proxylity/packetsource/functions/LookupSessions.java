package com.proxylity.packetsource.functions;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.functions.model.Discard;
import com.proxylity.packetsource.functions.model.Packet;
import com.proxylity.packetsource.functions.model.Packets;
import com.proxylity.packetsource.functions.runtime.Environment;
import com.proxylity.packetsource.functions.runtime.PipelineMetrics;
import com.proxylity.packetsource.functions.runtime.StageHandler;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * WireGuard packets need a live session for (their Listener, PeerKey): absent is
 * {@code NoSession}, past its expiry {@code SessionExpired}. Lookups are always scoped to the
 * packet's own Listener, so a peer of another Listener never matches. Keys are looked up in
 * chunks of {@value #MAX_KEYS_PER_LOOKUP} (one DynamoDB BatchGetItem each). Plain UDP packets
 * pass through. The sender checks again when it seals (sessions move); this stage saves the
 * egress round trip for packets that cannot go.
 */
public final class LookupSessions extends StageHandler<Packets, Packets> {
    /** DynamoDB BatchGetItem's limit. */
    public static final int MAX_KEYS_PER_LOOKUP = 100;

    private final Registry registry;
    private final SessionDirectory sessions;
    private final Clock clock;
    private final PipelineMetrics metrics;

    public LookupSessions() {
        this(Environment.registry(), Environment.sessionDirectory(), Clock.systemUTC(), PipelineMetrics.fromEnvironment());
    }

    public LookupSessions(Registry registry, SessionDirectory sessions, Clock clock, PipelineMetrics metrics) {
        super(Packets.class);
        this.registry = registry;
        this.sessions = sessions;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public Packets handle(Packets input) {
        Map<String, Boolean> wireGuard = new HashMap<>();
        Map<String, Set<String>> wanted = new LinkedHashMap<>();
        for (Packet p : input.packets()) {
            if (isWireGuard(wireGuard, p.listener()) && p.peerKey() != null) {
                wanted.computeIfAbsent(p.listener(), k -> new LinkedHashSet<>()).add(p.peerKey());
            }
        }
        Map<String, Map<String, SessionRecord>> found = new HashMap<>();
        for (Map.Entry<String, Set<String>> e : wanted.entrySet()) {
            Map<String, SessionRecord> byPeer = new HashMap<>();
            List<String> keys = List.copyOf(e.getValue());
            for (int i = 0; i < keys.size(); i += MAX_KEYS_PER_LOOKUP) {
                List<String> chunk = keys.subList(i, Math.min(keys.size(), i + MAX_KEYS_PER_LOOKUP));
                for (Map.Entry<String, SessionRecord> r : sessions.getAll(e.getKey(), chunk).entrySet()) {
                    // Defence in depth: a store bug must never let another Listener's session through.
                    if (e.getKey().equals(r.getValue().listenerName())) byPeer.put(r.getKey(), r.getValue());
                }
            }
            found.put(e.getKey(), byPeer);
        }

        Instant now = clock.instant();
        List<Packet> kept = new ArrayList<>();
        List<Discard> discards = new ArrayList<>();
        PipelineMetrics.Tally tally = metrics.tally();
        for (Packet p : input.packets()) {
            if (!isWireGuard(wireGuard, p.listener())) {
                kept.add(p);
                continue;
            }
            SessionRecord s = p.peerKey() == null ? null : found.getOrDefault(p.listener(), Map.of()).get(p.peerKey());
            DiscardReason reason = s == null ? DiscardReason.NoSession
                    : s.liveAt(now) ? null : DiscardReason.SessionExpired;
            if (reason == null) {
                kept.add(p);
            } else {
                discards.add(new Discard(p.id(), reason));
                tally.discard(reason);
            }
        }
        tally.flush();
        return new Packets(kept, discards);
    }

    private boolean isWireGuard(Map<String, Boolean> cache, String listener) {
        return cache.computeIfAbsent(listener, n -> {
            Optional<Listener> l = registry.listener(n);
            return l.map(x -> x.type().isWireGuard()).orElse(false);
        });
    }
}
