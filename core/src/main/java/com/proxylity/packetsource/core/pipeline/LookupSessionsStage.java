package com.proxylity.packetsource.core.pipeline;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.session.ListenerScopedDirectory;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.session.SessionRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The LookupSessions state: WireGuard packets whose (Listener, PeerKey) has no session become
 * {@code NoSession}, those whose session is past its expiry {@code SessionExpired}; plain UDP
 * packets pass. One directory read per Listener (the store splits it into what one request of
 * its own can carry); reads go through {@link ListenerScopedDirectory}, so one customer's entry
 * can never match another customer's peer (docs/architecture.md#wireguard-rules). Entry order is kept.
 */
public final class LookupSessionsStage {
    private final SessionDirectory sessions;
    private final Clock clock;

    public LookupSessionsStage(SessionDirectory sessions, Clock clock) {
        this.sessions = ListenerScopedDirectory.of(sessions);
        this.clock = clock;
    }

    public PacketsOutput lookup(List<ReadyPacket> packets) {
        Map<String, Set<String>> wanted = new LinkedHashMap<>();
        for (ReadyPacket p : packets) {
            if (p.listenerType().isWireGuard()) {
                wanted.computeIfAbsent(p.listener(), k -> new LinkedHashSet<>()).add(p.peerKey());
            }
        }
        Map<String, Map<String, SessionRecord>> found = new LinkedHashMap<>();
        wanted.forEach((listener, keys) -> found.put(listener, sessions.getAll(listener, keys)));

        Instant now = clock.instant();
        List<ReadyPacket> kept = new ArrayList<>();
        List<Discard> discards = new ArrayList<>();
        for (ReadyPacket p : packets) {
            if (!p.listenerType().isWireGuard()) {
                kept.add(p);
                continue;
            }
            SessionRecord s = found.get(p.listener()).get(p.peerKey());
            if (s == null) {
                discards.add(new Discard(p.id(), DiscardReason.NoSession, "no session for this PeerKey on the Listener"));
            } else if (!s.liveAt(now)) {
                discards.add(new Discard(p.id(), DiscardReason.SessionExpired, "the peer's session has expired"));
            } else {
                kept.add(p);
            }
        }
        return new PacketsOutput(kept, discards);
    }
}
