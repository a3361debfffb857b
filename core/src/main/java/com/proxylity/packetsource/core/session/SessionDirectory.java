package com.proxylity.packetsource.core.session;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * "Is there a session for (listener, peer key), and which sender owns it?" Lookups are scoped to
 * one Listener, so a customer can never reach a peer of another customer's Listener. Expiry is
 * the caller's to compare ({@link SessionRecord#liveAt}); stores may keep expired records.
 */
public interface SessionDirectory {
    void put(SessionRecord record);

    Optional<SessionRecord> get(String listenerName, String peerKey);

    /**
     * Batched lookup of any number of keys: a store splits it into what one request of its own
     * can carry (DynamoDB's BatchGetItem: 100 keys). Missing keys are absent from the map.
     */
    Map<String, SessionRecord> getAll(String listenerName, Collection<String> peerKeys);

    void remove(String listenerName, String peerKey);
}
