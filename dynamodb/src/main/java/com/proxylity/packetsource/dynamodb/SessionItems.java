package com.proxylity.packetsource.dynamodb;

import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.dynamodb.Tables.Sessions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** SessionRecord <-> Sessions item. Only metadata: there is no attribute that could hold a key. */
final class SessionItems {
    /** DynamoDB limits: partition key 2048 bytes, sort key 1024 bytes (UTF-8); empty strings are invalid keys. */
    static final int MAX_PARTITION_KEY_BYTES = 2048;
    static final int MAX_SORT_KEY_BYTES = 1024;

    private SessionItems() {}

    static boolean validKey(String listenerName, String peerKey) {
        return fits(listenerName, MAX_PARTITION_KEY_BYTES) && fits(peerKey, MAX_SORT_KEY_BYTES);
    }

    private static boolean fits(String s, int maxBytes) {
        // chars <= bytes for UTF-8, so the cheap check first
        return s != null && !s.isEmpty() && (s.length() * 3 <= maxBytes || s.getBytes(StandardCharsets.UTF_8).length <= maxBytes);
    }

    static Map<String, AttributeValue> key(String listenerName, String peerKey) {
        return Map.of(Sessions.LISTENER, Attr.s(listenerName), Sessions.PEER_KEY, Attr.s(peerKey));
    }

    static Map<String, AttributeValue> toItem(SessionRecord r) {
        if (!validKey(r.listenerName(), r.peerKey())) {
            throw new IllegalArgumentException("session key out of DynamoDB bounds (empty or too long)");
        }
        if (r.endpoint() == null || r.owner() == null || r.establishedAt() == null || r.expiresAt() == null) {
            throw new IllegalArgumentException("session record incomplete: endpoint, owner, establishedAt and expiresAt are required");
        }
        long expires = r.expiresAt().getEpochSecond(); // rounds down: never later than the real expiry
        Map<String, AttributeValue> item = new HashMap<>(key(r.listenerName(), r.peerKey()));
        item.put(Sessions.ENDPOINT, Attr.s(r.endpoint()));
        item.put(Sessions.OWNER, Attr.s(r.owner()));
        item.put(Sessions.ESTABLISHED_AT, Attr.n(r.establishedAt().getEpochSecond()));
        item.put(Sessions.EXPIRES_AT, Attr.n(expires));
        item.put(Sessions.TTL, Attr.n(expires + Sessions.TTL_GRACE_SECONDS));
        return item;
    }

    static SessionRecord fromItem(Map<String, AttributeValue> item, String table) {
        String listener = Attr.reqS(item, Sessions.LISTENER, table);
        String peer = Attr.reqS(item, Sessions.PEER_KEY, table);
        String where = table + "[" + listener + "]";
        return new SessionRecord(listener, peer,
                Attr.reqS(item, Sessions.ENDPOINT, where),
                Attr.reqS(item, Sessions.OWNER, where),
                Instant.ofEpochSecond(Attr.reqN(item, Sessions.ESTABLISHED_AT, where)),
                Instant.ofEpochSecond(Attr.reqN(item, Sessions.EXPIRES_AT, where)));
    }
}
