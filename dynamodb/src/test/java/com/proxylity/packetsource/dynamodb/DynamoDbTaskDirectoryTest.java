package com.proxylity.packetsource.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.session.SenderTask;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.dynamodb.testing.Dynalite;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Task heartbeats in the Sessions table, against dynalite. */
class DynamoDbTaskDirectoryTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00.250Z");
    private static Dynalite dynalite;

    @BeforeAll
    static void start() {
        dynalite = Dynalite.start();
    }

    @AfterAll
    static void stop() {
        if (dynalite != null) dynalite.close();
    }

    @Test
    void heartbeatsAreListedPerListenerBesideSessionsAndNeverAsSessions() {
        Tables tables = dynalite.createTables();
        DynamoDbTaskDirectory tasks = new DynamoDbTaskDirectory(dynalite.client(), tables.sessions());
        DynamoDbSessionDirectory sessions = new DynamoDbSessionDirectory(dynalite.client(), tables.sessions());
        String peer = "P".repeat(43) + "=";
        sessions.put(new SessionRecord("tunnel", peer, "198.51.100.7:51820", "task-b", T0, T0.plusSeconds(180)));
        SenderTask b = SenderTask.beat("tunnel", "task-b", "http://10.0.1.7:8080", T0, false);
        SenderTask a = SenderTask.beat("tunnel", "task-a", "http://10.0.2.9:8080", T0.plusMillis(5), true);
        tasks.announce(b);
        tasks.announce(a);
        tasks.announce(SenderTask.beat("other", "task-c", "http://10.0.3.3:8080", T0, false));

        assertEquals(List.of(a, b), tasks.tasks("tunnel"), "millisecond times, draining flag, id order");
        assertEquals(List.of(), tasks.tasks("nobody"));
        assertTrue(tasks.tasks("tunnel").get(1).liveAt(T0.plusSeconds(14)));
        assertFalse(tasks.tasks("tunnel").get(1).liveAt(T0.plusSeconds(15)));
        assertEquals(Map.of(peer, sessions.get("tunnel", peer).orElseThrow()), sessions.getAll("tunnel", List.of(peer)),
                "the Listener's session is untouched by its tasks' records");

        SenderTask later = SenderTask.beat("tunnel", "task-b", "http://10.0.1.7:8080", T0.plusSeconds(5), true);
        tasks.announce(later);
        assertEquals(later, tasks.tasks("tunnel").get(1), "a beat replaces the previous one");
    }
}
