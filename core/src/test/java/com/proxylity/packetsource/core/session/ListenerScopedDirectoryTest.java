package com.proxylity.packetsource.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListenerScopedDirectoryTest {
    static final Instant T = Instant.parse("2026-11-25T08:00:00Z");

    /** A store that ignores the Listener in its lookup (a bug) and answers with wg2's sessions. */
    static SessionDirectory careless(InMemorySessionDirectory real) {
        return new SessionDirectory() {
            public void put(SessionRecord r) { real.put(r); }
            public Optional<SessionRecord> get(String l, String p) { return real.get("wg2", p); }
            public Map<String, SessionRecord> getAll(String l, Collection<String> keys) { return real.getAll("wg2", keys); }
            public void remove(String l, String p) { real.remove(l, p); }
        };
    }

    @Test
    void aRecordOfAnotherListenerNeverMatches() {
        InMemorySessionDirectory real = new InMemorySessionDirectory();
        real.put(new SessionRecord("wg2", "k", "e", "o", T, T.plusSeconds(60)));
        SessionDirectory d = ListenerScopedDirectory.of(careless(real));
        assertEquals(Map.of(), d.getAll("wg1", List.of("k")));
        assertEquals(Optional.empty(), d.get("wg1", "k"));
        assertEquals(List.of("k"), List.copyOf(d.getAll("wg2", List.of("k")).keySet()));
        assertEquals("wg2", d.get("wg2", "k").orElseThrow().listenerName());
    }

    @Test
    void aRecordFiledUnderAnotherPeerKeyNeverMatches() {
        SessionRecord other = new SessionRecord("wg1", "other", "e", "o", T, T.plusSeconds(60));
        SessionDirectory misfiled = new SessionDirectory() {
            public void put(SessionRecord r) { }
            public Optional<SessionRecord> get(String l, String p) { return Optional.of(other); }
            public Map<String, SessionRecord> getAll(String l, Collection<String> keys) { return Map.of("k", other); }
            public void remove(String l, String p) { }
        };
        SessionDirectory d = ListenerScopedDirectory.of(misfiled);
        assertEquals(Map.of(), d.getAll("wg1", List.of("k")));
        assertEquals(Optional.empty(), d.get("wg1", "k"));
    }

    @Test
    void scopingTwiceIsScopingOnce() {
        SessionDirectory once = ListenerScopedDirectory.of(new InMemorySessionDirectory());
        assertSame(once, ListenerScopedDirectory.of(once));
    }
}
