package com.proxylity.packetsource.core.pipeline;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.session.Handover;
import com.proxylity.packetsource.core.session.ListenerScopedDirectory;
import com.proxylity.packetsource.core.session.LiveTasks;
import com.proxylity.packetsource.core.session.PlainUdpRouting;
import com.proxylity.packetsource.core.session.SenderTask;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.core.session.TaskDirectory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The LookupSessions state: WireGuard packets whose (Listener, PeerKey) has no session become
 * {@code NoSession}, those whose session is past its expiry {@code SessionExpired}; plain UDP
 * packets pass. One directory read per Listener (the store splits it into what one request of
 * its own can carry); reads go through {@link ListenerScopedDirectory}, so one customer's entry
 * can never match another customer's peer (docs/architecture.md#wireguard-rules). Entry order is kept.
 *
 * <p>With several tasks per Listener ({@link #route}), each packet also gets the task that must
 * send it (docs/architecture.md#owner-routing): a WireGuard packet the live task that owns its
 * session, a plain UDP packet the live owner of the remote's live flow record. When that task
 * has just left, the packet is held ({@link Handover}) until another task takes the session or
 * flow over; later it is {@code SessionExpired} (the keys died with the task) or {@code NoFlow}
 * (on AWS no task could send it from the Listener's address). Without
 * owner routing ({@link #lookup}, one sender) plain UDP passes and the sender itself counts a
 * packet to a remote it has not heard within the window ({@code SentOutsideFlowWindow}).
 */
public final class LookupSessionsStage {
    private final SessionDirectory sessions;
    private final Clock clock;

    public LookupSessionsStage(SessionDirectory sessions, Clock clock) {
        this.sessions = ListenerScopedDirectory.of(sessions);
        this.clock = clock;
    }

    public PacketsOutput lookup(List<ReadyPacket> packets) {
        Instant now = clock.instant();
        Map<String, Map<String, SessionRecord>> found = read(packets, false);
        List<ReadyPacket> kept = new ArrayList<>();
        List<Discard> discards = new ArrayList<>();
        for (ReadyPacket p : packets) {
            Discard d = p.listenerType().isWireGuard() ? sessionCheck(p, found.get(p.listener()).get(p.peerKey()), now) : null;
            if (d == null) kept.add(p);
            else discards.add(d);
        }
        return new PacketsOutput(kept, discards);
    }

    /**
     * Lookup plus owner routing. A Listener without a live task fails the call
     * ({@link NoLiveTaskException}): nothing can send for it now, and the records are retried.
     */
    public RoutedOutput route(List<ReadyPacket> packets, TaskDirectory taskDirectory) {
        Instant now = clock.instant();
        Map<String, Map<String, SessionRecord>> found = read(packets, true);
        Map<String, List<SenderTask>> all = new LinkedHashMap<>();
        Map<String, LiveTasks> tasks = new LinkedHashMap<>();
        for (String listener : found.keySet()) {
            List<SenderTask> records = taskDirectory.tasks(listener);
            LiveTasks live = LiveTasks.of(records, now);
            if (live.isEmpty()) throw new NoLiveTaskException(listener);
            all.put(listener, records);
            tasks.put(listener, live);
        }
        List<RoutedPacket> kept = new ArrayList<>();
        List<Discard> discards = new ArrayList<>();
        List<HeldPacket> held = new ArrayList<>();
        for (ReadyPacket p : packets) {
            Map<String, SessionRecord> records = found.get(p.listener());
            LiveTasks live = tasks.get(p.listener());
            if (p.listenerType().isWireGuard()) {
                SessionRecord s = records.get(p.peerKey());
                if (s == null) {
                    discards.add(new Discard(p.id(), DiscardReason.NoSession, "no session for this PeerKey on the Listener"));
                    continue;
                }
                Optional<SenderTask> owner = live.owner(s.owner());
                if (owner.isPresent() && s.liveAt(now)) {
                    kept.add(new RoutedPacket(p, owner.get()));
                    continue;
                }
                // Its task has just left (a stop retires the record, a crash leaves it): wait for the peer's new session.
                Optional<Instant> until = owner.isPresent() ? Optional.empty()
                        : Handover.holdUntil(s, all.get(p.listener()), now);
                if (until.isPresent()) {
                    held.add(new HeldPacket(p, until.get()));
                } else {
                    discards.add(new Discard(p.id(), DiscardReason.SessionExpired, s.liveAt(now)
                            ? "the task that held the peer's session is gone" : "the peer's session has expired"));
                }
            } else {
                Optional<SessionRecord> flow = PlainUdpRouting.flowKey(p.address(), p.port()).map(records::get);
                Optional<SenderTask> owner = PlainUdpRouting.owner(flow, now, live);
                if (owner.isPresent()) {
                    kept.add(new RoutedPacket(p, owner.get()));
                    continue;
                }
                Optional<Instant> until = flow.filter(f -> f.liveAt(now))
                        .flatMap(f -> Handover.holdUntil(f.owner(), all.get(p.listener()), now));
                if (until.isPresent()) {
                    held.add(new HeldPacket(p, until.get()));
                } else {
                    discards.add(new Discard(p.id(), DiscardReason.NoFlow,
                            "no live task holds a flow from the remote: it has not sent to the Listener within the flow window"));
                }
            }
        }
        return new RoutedOutput(kept, discards, held);
    }

    /** One read per Listener: WireGuard packets' peer keys and, when routing, plain packets' flow keys. */
    private Map<String, Map<String, SessionRecord>> read(List<ReadyPacket> packets, boolean flows) {
        Map<String, Set<String>> wanted = new LinkedHashMap<>();
        for (ReadyPacket p : packets) {
            if (p.listenerType().isWireGuard()) {
                wanted.computeIfAbsent(p.listener(), k -> new LinkedHashSet<>()).add(p.peerKey());
            } else if (flows) {
                Set<String> keys = wanted.computeIfAbsent(p.listener(), k -> new LinkedHashSet<>());
                PlainUdpRouting.flowKey(p.address(), p.port()).ifPresent(keys::add);
            }
        }
        Map<String, Map<String, SessionRecord>> found = new LinkedHashMap<>();
        wanted.forEach((listener, keys) -> found.put(listener, keys.isEmpty() ? Map.of() : sessions.getAll(listener, keys)));
        return found;
    }

    private static Discard sessionCheck(ReadyPacket p, SessionRecord s, Instant now) {
        if (s == null) return new Discard(p.id(), DiscardReason.NoSession, "no session for this PeerKey on the Listener");
        if (!s.liveAt(now)) return new Discard(p.id(), DiscardReason.SessionExpired, "the peer's session has expired");
        return null;
    }

    /** No task of the Listener is live: a failure to retry, not a discard (the next try may find one). */
    public static final class NoLiveTaskException extends RuntimeException {
        public NoLiveTaskException(String listener) {
            super("no live sender task for Listener " + listener);
        }
    }
}
