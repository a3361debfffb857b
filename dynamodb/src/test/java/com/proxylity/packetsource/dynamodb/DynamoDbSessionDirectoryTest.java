package com.proxylity.packetsource.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.dynamodb.testing.Dynalite;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/** Against dynalite: a real DynamoDB API server. */
class DynamoDbSessionDirectoryTest {
    private static final Instant T0 = Instant.parse("2026-11-25T08:00:00Z");
    private static Dynalite dynalite;
    private Tables tables;
    private DynamoDbSessionDirectory dir;

    @BeforeAll
    static void startDynalite() {
        dynalite = Dynalite.start();
    }

    @AfterAll
    static void stopDynalite() {
        if (dynalite != null) dynalite.close();
    }

    @BeforeEach
    void freshTables() {
        tables = dynalite.createTables();
        dir = new DynamoDbSessionDirectory(dynalite.client(), tables.sessions());
    }

    private static SessionRecord session(String listener, String peer, Instant established) {
        return new SessionRecord(listener, peer, "198.51.100.7:51820", "sender-a", established, established.plusSeconds(180));
    }

    private static String peerKey(int i) {
        // 44-char base64-looking keys, distinct per i
        return String.format("%043d=", i);
    }

    @Test
    void putThenGetRoundTripsMetadata() {
        SessionRecord r = new SessionRecord("l1", peerKey(1), "[2001:db8::1]:51820", "sender-b", T0, T0.plusSeconds(180));
        dir.put(r);
        assertEquals(Optional.of(r), dir.get("l1", peerKey(1)));
        assertEquals(Optional.empty(), dir.get("l1", peerKey(2)));
    }

    @Test
    void storedTimesAreWholeSecondsAndExpiryNeverLater() {
        Instant est = T0.plusMillis(999);
        dir.put(new SessionRecord("l1", peerKey(1), "198.51.100.7:1", "o", est, est.plusSeconds(180)));
        SessionRecord got = dir.get("l1", peerKey(1)).orElseThrow();
        assertEquals(T0, got.establishedAt());
        assertEquals(T0.plusSeconds(180), got.expiresAt());
        Map<String, AttributeValue> item = dynalite.client().getItem(b -> b.tableName(tables.sessions())
                .key(Map.of("Listener", AttributeValue.fromS("l1"), "PeerKey", AttributeValue.fromS(peerKey(1))))).item();
        assertEquals(Long.toString(T0.plusSeconds(180 + Tables.Sessions.TTL_GRACE_SECONDS).getEpochSecond()), item.get("Ttl").n());
        assertEquals(Map.of(), withoutKnown(item), "no attribute beyond the documented metadata");
    }

    private static Map<String, AttributeValue> withoutKnown(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> rest = new HashMap<>(item);
        for (String a : List.of("Listener", "PeerKey", "Endpoint", "Owner", "EstablishedAt", "ExpiresAt", "Ttl")) rest.remove(a);
        return rest;
    }

    @Test
    void getAllReadsMoreThanOneBatchOfKeys() {
        for (int i = 0; i < 250; i++) dir.put(session("l1", peerKey(i), T0));
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < 260; i++) asked.add(peerKey(i)); // 10 unknown
        asked.add(peerKey(5)); // a duplicate must not break the batch
        Map<String, SessionRecord> got = dir.getAll("l1", asked);
        assertEquals(250, got.size());
        for (int i = 0; i < 250; i++) assertEquals(session("l1", peerKey(i), T0), got.get(peerKey(i)));
        assertFalse(got.containsKey(peerKey(255)));
    }

    @Test
    void expiredRecordIsReturnedButNotLive() {
        dir.put(session("l1", peerKey(1), T0));
        SessionRecord r = dir.get("l1", peerKey(1)).orElseThrow();
        assertTrue(r.liveAt(T0.plusSeconds(179)));
        assertFalse(r.liveAt(T0.plusSeconds(180)));
        assertFalse(dir.getAll("l1", List.of(peerKey(1))).get(peerKey(1)).liveAt(T0.plusSeconds(181)));
    }

    @Test
    void sessionsAreScopedToTheirListener() {
        String shared = peerKey(7);
        SessionRecord onA = new SessionRecord("listener-a", shared, "198.51.100.1:1000", "sender-a", T0, T0.plusSeconds(180));
        SessionRecord onB = new SessionRecord("listener-b", shared, "198.51.100.2:2000", "sender-b", T0, T0.plusSeconds(180));
        dir.put(onA);
        dir.put(onB);
        assertEquals(onA, dir.get("listener-a", shared).orElseThrow());
        assertEquals(onB, dir.get("listener-b", shared).orElseThrow());
        assertEquals(Map.of(shared, onA), dir.getAll("listener-a", List.of(shared)));

        dir.remove("listener-b", shared);
        assertEquals(Optional.empty(), dir.get("listener-b", shared));
        assertEquals(Map.of(), dir.getAll("listener-b", List.of(shared)), "A's record never answers for B");
        assertEquals(Optional.of(onA), dir.get("listener-a", shared));
    }

    @Test
    void removeIfOwnedByLeavesAnotherSendersSession() {
        dir.put(session("l1", peerKey(1), T0)); // owner sender-a
        assertFalse(dir.removeIfOwnedBy("l1", peerKey(1), "sender-b"));
        assertTrue(dir.get("l1", peerKey(1)).isPresent());
        assertTrue(dir.removeIfOwnedBy("l1", peerKey(1), "sender-a"));
        assertEquals(Optional.empty(), dir.get("l1", peerKey(1)));
        assertFalse(dir.removeIfOwnedBy("l1", peerKey(1), "sender-a"), "nothing left to remove");
    }

    @Test
    void olderHandshakeDoesNotReplaceNewerOne() {
        SessionRecord newer = session("l1", peerKey(1), T0.plusSeconds(60));
        dir.put(newer);
        dir.put(session("l1", peerKey(1), T0)); // delayed write of the previous session
        assertEquals(Optional.of(newer), dir.get("l1", peerKey(1)));
        SessionRecord roamed = new SessionRecord("l1", peerKey(1), "203.0.113.5:4000", "sender-a", newer.establishedAt(), newer.expiresAt());
        dir.put(roamed); // same handshake, new endpoint
        assertEquals(Optional.of(roamed), dir.get("l1", peerKey(1)));
    }

    @Test
    void keysDynamoDbCannotHoldAreAbsentAndDoNotFailTheBatch() {
        dir.put(session("l1", peerKey(1), T0));
        List<String> asked = new ArrayList<>(List.of(peerKey(1), "", "x".repeat(5000)));
        asked.add(null);
        assertEquals(Map.of(peerKey(1), session("l1", peerKey(1), T0)), dir.getAll("l1", asked));
        assertEquals(Optional.empty(), dir.get("l1", "x".repeat(5000)));
        assertEquals(Optional.empty(), dir.get("", peerKey(1)));
        assertThrows(IllegalArgumentException.class, () -> dir.put(session("l1", "", T0)));
    }

    @Test
    void unprocessedKeysAreRetriedUntilDone() {
        for (int i = 0; i < 30; i++) dir.put(session("l1", peerKey(i), T0));
        Throttling throttling = new Throttling(dynalite.client(), 2, 10);
        DynamoDbSessionDirectory d = new DynamoDbSessionDirectory(throttling, tables.sessions(), 6, Duration.ofMillis(1));
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < 30; i++) asked.add(peerKey(i));
        assertEquals(30, d.getAll("l1", asked).size());
        assertEquals(3, throttling.calls.get(), "two throttled answers, then the rest");
    }

    @Test
    void unprocessedKeysBeyondTheRetryBoundFailLoudly() {
        for (int i = 0; i < 30; i++) dir.put(session("l1", peerKey(i), T0));
        Throttling throttling = new Throttling(dynalite.client(), Integer.MAX_VALUE, 10);
        DynamoDbSessionDirectory d = new DynamoDbSessionDirectory(throttling, tables.sessions(), 3, Duration.ofMillis(1));
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < 30; i++) asked.add(peerKey(i));
        BatchGetIncompleteException e = assertThrows(BatchGetIncompleteException.class, () -> d.getAll("l1", asked));
        assertEquals(10, e.unprocessed());
        assertEquals(3, throttling.calls.get());
    }

    /**
     * Fault injection over the real server: dynalite never throttles, so this client hands the
     * real answer back with the last {@code held} keys moved to UnprocessedKeys, {@code times} times.
     */
    private static final class Throttling implements DynamoDbClient {
        final DynamoDbClient real;
        final int times;
        final int held;
        final AtomicInteger calls = new AtomicInteger();

        Throttling(DynamoDbClient real, int times, int held) {
            this.real = real;
            this.times = times;
            this.held = held;
        }

        @Override
        public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
            int n = calls.incrementAndGet();
            if (n > times) return real.batchGetItem(request);
            Map<String, KeysAndAttributes> served = new HashMap<>();
            Map<String, KeysAndAttributes> unprocessed = new HashMap<>();
            request.requestItems().forEach((table, ka) -> {
                List<Map<String, AttributeValue>> keys = ka.keys();
                int cut = Math.max(0, keys.size() - held);
                served.put(table, ka.toBuilder().keys(keys.subList(0, cut)).build());
                unprocessed.put(table, ka.toBuilder().keys(keys.subList(cut, keys.size())).build());
            });
            served.values().removeIf(ka -> ka.keys().isEmpty()); // DynamoDB rejects an empty key list
            BatchGetItemResponse r = served.isEmpty() ? BatchGetItemResponse.builder().responses(Map.of()).build()
                    : real.batchGetItem(request.toBuilder().requestItems(served).build());
            return r.toBuilder().unprocessedKeys(unprocessed).build();
        }

        @Override
        public String serviceName() {
            return real.serviceName();
        }

        @Override
        public void close() {}
    }
}
