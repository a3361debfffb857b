package com.proxylity.packetsource.core.session;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one owner of the Listener-scope rule: a session record of another Listener (or filed under
 * another peer key) never matches a lookup, whatever the store underneath returns, so a store
 * bug can never hand a packet another customer's peer (docs/architecture.md#wireguard-rules).
 * Every session read of the pipeline goes through it ({@code LookupSessionsStage} wraps its
 * directory); writes pass through unchanged.
 */
public final class ListenerScopedDirectory implements SessionDirectory {
    private final SessionDirectory store;

    private ListenerScopedDirectory(SessionDirectory store) {
        this.store = store;
    }

    /** The store with its reads scoped; a store already scoped is returned as it is. */
    public static SessionDirectory of(SessionDirectory store) {
        return store instanceof ListenerScopedDirectory ? store : new ListenerScopedDirectory(store);
    }

    @Override
    public Map<String, SessionRecord> getAll(String listenerName, Collection<String> peerKeys) {
        Map<String, SessionRecord> out = new HashMap<>();
        for (Map.Entry<String, SessionRecord> e : store.getAll(listenerName, peerKeys).entrySet()) {
            if (matches(e.getValue(), listenerName, e.getKey())) out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    @Override
    public Optional<SessionRecord> get(String listenerName, String peerKey) {
        return store.get(listenerName, peerKey).filter(r -> matches(r, listenerName, peerKey));
    }

    private static boolean matches(SessionRecord r, String listenerName, String peerKey) {
        return r != null && listenerName.equals(r.listenerName()) && peerKey.equals(r.peerKey());
    }

    @Override
    public void put(SessionRecord record) {
        store.put(record);
    }

    @Override
    public void remove(String listenerName, String peerKey) {
        store.remove(listenerName, peerKey);
    }
}
