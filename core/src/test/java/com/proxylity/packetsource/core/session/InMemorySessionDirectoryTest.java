package com.proxylity.packetsource.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The stand-in keeps the Sessions table's write rule, so local mode with two tasks behaves as on AWS. */
class InMemorySessionDirectoryTest {
    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
    private static final String PEER = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    private final InMemorySessionDirectory dir = new InMemorySessionDirectory();

    @Test
    void aStoppingTaskCannotRetireTheSessionAnotherTaskHasTakenOver() {
        SessionRecord old = new SessionRecord("wg", PEER, "192.0.2.1:51820", "task-1", T0, T0.plusSeconds(180));
        dir.put(old);
        SessionRecord takenOver = new SessionRecord("wg", PEER, "192.0.2.1:51820", "task-3",
                T0.plusSeconds(40), T0.plusSeconds(220));
        dir.put(takenOver);
        // task-1 stops: it rewrites its own record as expired now, with its older handshake time.
        dir.put(new SessionRecord("wg", PEER, old.endpoint(), "task-1", old.establishedAt(), T0.plusSeconds(50)));

        assertEquals(Optional.of(takenOver), dir.get("wg", PEER));
    }

    @Test
    void theSameHandshakeRewritesItsRecordAsTheTableDoes() {
        SessionRecord first = new SessionRecord("wg", PEER, "192.0.2.1:51820", "task-1", T0, T0.plusSeconds(180));
        dir.put(first);
        // A roam, and a handshake less than a second later: whole seconds, as the table compares.
        SessionRecord roamed = new SessionRecord("wg", PEER, "192.0.2.9:4000", "task-1", T0, T0.plusSeconds(180));
        dir.put(roamed);
        assertEquals(Optional.of(roamed), dir.get("wg", PEER));
        SessionRecord sameSecond = new SessionRecord("wg", PEER, "192.0.2.9:4000", "task-2",
                T0.plusMillis(400), T0.plusSeconds(181));
        dir.put(sameSecond);
        assertEquals(Optional.of(sameSecond), dir.get("wg", PEER));
        SessionRecord retired = new SessionRecord("wg", PEER, first.endpoint(), "task-1", T0, T0.plusSeconds(1));
        dir.put(retired);
        assertEquals(Optional.of(retired), dir.get("wg", PEER), "same second: the later write wins, as the table's <= lets it");
    }
}
