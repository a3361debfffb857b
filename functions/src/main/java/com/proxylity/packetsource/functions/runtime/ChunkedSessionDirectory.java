package com.proxylity.packetsource.functions.runtime;

import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.session.SessionRecord;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read side of a session directory for LookupSessions: {@link #getAll} asks the store at most
 * {@value #MAX_KEYS} distinct keys at a time (one DynamoDB BatchGetItem each), and drops any
 * record that is not of the asked Listener, so a store bug can never hand a packet another
 * Listener's peer.
 */
public final class ChunkedSessionDirectory implements SessionDirectory {
    /** DynamoDB BatchGetItem's key limit. */
    public static final int MAX_KEYS = 100;

    private final SessionDirectory store;

    public ChunkedSessionDirectory(SessionDirectory store) {
        this.store = store;
    }

    @Override
    public Map<String, SessionRecord> getAll(String listenerName, Collection<String> peerKeys) {
        List<String> keys = List.copyOf(new LinkedHashSet<>(peerKeys));
        Map<String, SessionRecord> out = new HashMap<>();
        for (int i = 0; i < keys.size(); i += MAX_KEYS) {
            List<String> chunk = keys.subList(i, Math.min(keys.size(), i + MAX_KEYS));
            for (Map.Entry<String, SessionRecord> e : store.getAll(listenerName, chunk).entrySet()) {
                SessionRecord r = e.getValue();
                if (r != null && listenerName.equals(r.listenerName()) && e.getKey().equals(r.peerKey())) {
                    out.put(e.getKey(), r);
                }
            }
        }
        return out;
    }

    @Override
    public Optional<SessionRecord> get(String listenerName, String peerKey) {
        return store.get(listenerName, peerKey).filter(r -> listenerName.equals(r.listenerName()));
    }

    @Override
    public void put(SessionRecord record) {
        throw new UnsupportedOperationException("the pipeline only reads sessions");
    }

    @Override
    public void remove(String listenerName, String peerKey) {
        throw new UnsupportedOperationException("the pipeline only reads sessions");
    }
}
