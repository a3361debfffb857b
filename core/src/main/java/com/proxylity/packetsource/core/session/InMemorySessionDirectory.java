package com.proxylity.packetsource.core.session;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Session directory for local mode and tests, with the Sessions table's write rule
 * ({@link SessionRecord#mayReplace}): an older handshake never overwrites a newer one.
 */
public final class InMemorySessionDirectory implements SessionDirectory, PeerLocator {
    private record Key(String listener, String peer) {}

    private final Map<Key, SessionRecord> records = new ConcurrentHashMap<>();

    @Override
    public void put(SessionRecord record) {
        records.compute(new Key(record.listenerName(), record.peerKey()),
                (k, stored) -> record.mayReplace(stored) ? record : stored);
    }

    @Override
    public Optional<SessionRecord> get(String listenerName, String peerKey) {
        return Optional.ofNullable(records.get(new Key(listenerName, peerKey)));
    }

    @Override
    public Map<String, SessionRecord> getAll(String listenerName, Collection<String> peerKeys) {
        Map<String, SessionRecord> found = new HashMap<>();
        for (String peer : peerKeys) {
            SessionRecord r = records.get(new Key(listenerName, peer));
            if (r != null) found.put(peer, r);
        }
        return found;
    }

    @Override
    public Map<String, String> peersByEndpoint(String listenerName) {
        Map<String, SessionRecord> newest = new HashMap<>();
        for (SessionRecord r : records.values()) {
            if (!r.listenerName().equals(listenerName) || r.peerKey().contains(":")) continue;
            newest.merge(r.endpoint(), r, (a, b) -> a.establishedAt().isAfter(b.establishedAt()) ? a : b);
        }
        Map<String, String> out = new HashMap<>();
        newest.forEach((endpoint, r) -> out.put(endpoint, r.peerKey()));
        return out;
    }

    @Override
    public void remove(String listenerName, String peerKey) {
        records.remove(new Key(listenerName, peerKey));
    }
}
