package com.proxylity.packetsource.dynamodb;

import com.proxylity.packetsource.core.session.PeerLocator;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.dynamodb.Tables.Sessions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import java.time.Instant;

/**
 * {@link SessionDirectory} over the Sessions table ({@link Tables.Sessions}): partition key
 * Listener, sort key PeerKey, so a lookup can only ever see records of the Listener it names.
 *
 * <ul>
 *   <li>{@link #put} keeps the newest handshake: a write whose EstablishedAt is older than the
 *   stored one is ignored (a delayed write cannot resurrect a replaced session); the same
 *   handshake may be rewritten (endpoint roaming).</li>
 *   <li>{@link #getAll} uses BatchGetItem in chunks of {@value #BATCH_GET_MAX_KEYS}, retrying
 *   UnprocessedKeys with bounded exponential backoff and jitter; if keys remain unprocessed it
 *   throws {@link BatchGetIncompleteException} rather than reporting them missing.</li>
 *   <li>Keys DynamoDB cannot hold (null, empty, over the key size limit) are never sent: they
 *   are simply absent from results, so one bad PeerKey cannot fail a whole batch.</li>
 *   <li>Reads are eventually consistent (half the cost); a session written a moment ago may be
 *   missed once, which the pipeline reports as NoSession.</li>
 *   <li>Expired records are returned as stored; callers compare {@link SessionRecord#liveAt}.</li>
 * </ul>
 */
public final class DynamoDbSessionDirectory implements SessionDirectory, PeerLocator {
    /** BatchGetItem accepts at most 100 keys per request. */
    public static final int BATCH_GET_MAX_KEYS = 100;
    static final int DEFAULT_MAX_ATTEMPTS = 6;
    static final Duration DEFAULT_BASE_BACKOFF = Duration.ofMillis(25);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private final DynamoDbClient client;
    private final String table;
    private final int maxAttempts;
    private final Duration baseBackoff;

    public DynamoDbSessionDirectory(DynamoDbClient client, String sessionsTable) {
        this(client, sessionsTable, DEFAULT_MAX_ATTEMPTS, DEFAULT_BASE_BACKOFF);
    }

    /**
     * @param maxAttempts BatchGetItem calls per chunk before giving up on UnprocessedKeys (at least 1)
     * @param baseBackoff first retry delay; doubles per attempt (full jitter), capped at 1 s
     */
    public DynamoDbSessionDirectory(DynamoDbClient client, String sessionsTable, int maxAttempts, Duration baseBackoff) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(sessionsTable, "sessionsTable");
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
        this.maxAttempts = maxAttempts;
        this.baseBackoff = Objects.requireNonNull(baseBackoff, "baseBackoff");
    }

    /** {@link SessionRecord#mayReplace} as a condition: an older handshake never overwrites a newer one. */
    @Override
    public void put(SessionRecord record) {
        Map<String, AttributeValue> item = SessionItems.toItem(record);
        try {
            client.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#e) OR #e <= :e")
                    .expressionAttributeNames(Map.of("#e", Sessions.ESTABLISHED_AT))
                    .expressionAttributeValues(Map.of(":e", item.get(Sessions.ESTABLISHED_AT))));
        } catch (ConditionalCheckFailedException newerSessionStored) {
            // A newer handshake for this peer is already recorded; this write is stale.
        }
    }

    @Override
    public Optional<SessionRecord> get(String listenerName, String peerKey) {
        if (!SessionItems.validKey(listenerName, peerKey)) return Optional.empty();
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table)
                .key(SessionItems.key(listenerName, peerKey))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        return Optional.of(SessionItems.fromItem(item, table));
    }

    @Override
    public Map<String, SessionRecord> getAll(String listenerName, Collection<String> peerKeys) {
        Map<String, SessionRecord> found = new HashMap<>();
        List<String> wanted = new ArrayList<>(new LinkedHashSet<>(peerKeys)); // BatchGetItem rejects duplicate keys
        wanted.removeIf(k -> !SessionItems.validKey(listenerName, k));
        for (int from = 0; from < wanted.size(); from += BATCH_GET_MAX_KEYS) {
            List<String> chunk = wanted.subList(from, Math.min(from + BATCH_GET_MAX_KEYS, wanted.size()));
            fetchChunk(listenerName, chunk, found);
        }
        return found;
    }

    private void fetchChunk(String listenerName, List<String> chunk, Map<String, SessionRecord> found) {
        List<Map<String, AttributeValue>> keys = chunk.stream().map(k -> SessionItems.key(listenerName, k)).toList();
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).build());
        for (int attempt = 1; ; attempt++) {
            Map<String, KeysAndAttributes> req = request;
            BatchGetItemResponse resp = client.batchGetItem(b -> b.requestItems(req));
            for (Map<String, AttributeValue> item : resp.responses().getOrDefault(table, List.of())) {
                SessionRecord r = SessionItems.fromItem(item, table);
                found.put(r.peerKey(), r);
            }
            KeysAndAttributes left = resp.hasUnprocessedKeys() ? resp.unprocessedKeys().get(table) : null;
            if (left == null || !left.hasKeys() || left.keys().isEmpty()) return;
            if (attempt >= maxAttempts) throw new BatchGetIncompleteException(table, left.keys().size(), attempt);
            sleep(backoff(attempt));
            request = Map.of(table, left);
        }
    }

    private Duration backoff(int attempt) {
        long cap = Math.min(MAX_BACKOFF.toMillis(), baseBackoff.toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap + 1));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off BatchGetItem", e);
        }
    }

    /**
     * One Query of the Listener's partition (paged), only the three attributes needed. Peer keys
     * are base64 and never contain ':', which every flow and task key does.
     */
    @Override
    public Map<String, String> peersByEndpoint(String listenerName) {
        Map<String, AttributeValue> start = null;
        Map<String, SessionRecord> newest = new HashMap<>();
        do {
            Map<String, AttributeValue> from = start;
            var r = client.query(b -> b.tableName(table).keyConditionExpression("#l = :l")
                    .projectionExpression("#k, #e, #t")
                    .expressionAttributeNames(Map.of("#l", Sessions.LISTENER, "#k", Sessions.PEER_KEY,
                            "#e", Sessions.ENDPOINT, "#t", Sessions.ESTABLISHED_AT))
                    .expressionAttributeValues(Map.of(":l", AttributeValue.fromS(listenerName)))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : r.items()) {
                String peer = Attr.optS(item, Sessions.PEER_KEY);
                String endpoint = Attr.optS(item, Sessions.ENDPOINT);
                if (peer == null || endpoint == null || peer.contains(":")) continue;
                SessionRecord rec = new SessionRecord(listenerName, peer, endpoint, "-",
                        Instant.ofEpochSecond(Attr.optN(item, Sessions.ESTABLISHED_AT, 0, table)), Instant.EPOCH);
                newest.merge(endpoint, rec, (a, b) -> a.establishedAt().isAfter(b.establishedAt()) ? a : b);
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        Map<String, String> out = new HashMap<>();
        newest.forEach((endpoint, rec) -> out.put(endpoint, rec.peerKey()));
        return out;
    }

    @Override
    public void remove(String listenerName, String peerKey) {
        if (!SessionItems.validKey(listenerName, peerKey)) return;
        client.deleteItem(b -> b.tableName(table).key(SessionItems.key(listenerName, peerKey)));
    }

    /**
     * Deletes the record only while {@code owner} still owns it, so a sender shutting down cannot
     * delete a session another sender has taken over since. Returns whether a record was deleted.
     */
    public boolean removeIfOwnedBy(String listenerName, String peerKey, String owner) {
        if (!SessionItems.validKey(listenerName, peerKey) || owner == null) return false;
        try {
            client.deleteItem(b -> b.tableName(table).key(SessionItems.key(listenerName, peerKey))
                    .conditionExpression("#o = :o")
                    .expressionAttributeNames(Map.of("#o", Sessions.OWNER))
                    .expressionAttributeValues(Map.of(":o", AttributeValue.fromS(owner))));
            return true;
        } catch (ConditionalCheckFailedException ownedByAnotherOrGone) {
            return false;
        }
    }
}
