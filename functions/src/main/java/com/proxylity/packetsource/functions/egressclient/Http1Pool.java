package com.proxylity.packetsource.functions.egressclient;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Idle kept-alive connections, per sender ({@code host:port}), so the batches of later
 * invocations of one execution environment need no TCP set-up. A connection idle for
 * {@link #IDLE_MILLIS} or more is closed instead of used: that is below the sender's 30 s idle
 * close, and it is wall-clock time, compared on every take, so an environment thawed after
 * minutes does not post on a socket the sender has long closed. Bounded: at most
 * {@link #PER_SENDER} idle connections per sender and {@link #SENDERS} senders (the least
 * recently used one's connections are closed to make room).
 */
final class Http1Pool {
    static final long IDLE_MILLIS = 20_000;
    static final int PER_SENDER = 8;
    static final int SENDERS = 16;

    private record Idle(Http1Connection connection, long sinceMillis) { }

    private final Clock clock;
    private final LinkedHashMap<String, ArrayDeque<Idle>> idle = new LinkedHashMap<>(16, 0.75f, true);

    Http1Pool(Clock clock) {
        this.clock = clock;
    }

    /** The most recently returned fresh connection to {@code sender}, or null. */
    synchronized Http1Connection take(String sender) {
        ArrayDeque<Idle> q = idle.get(sender);
        if (q == null) return null;
        long now = clock.millis();
        Idle i;
        while ((i = q.pollLast()) != null) {
            // A clock that went back is not evidence of freshness either.
            long idleFor = now - i.sinceMillis();
            if (idleFor >= 0 && idleFor < IDLE_MILLIS) return i.connection();
            i.connection().close();
        }
        return null;
    }

    /** Keeps {@code c} for the next request to {@code sender} if it can carry one; closes it otherwise. */
    synchronized void give(String sender, Http1Connection c) {
        if (!c.reusable()) {
            c.close();
            return;
        }
        ArrayDeque<Idle> q = idle.computeIfAbsent(sender, k -> new ArrayDeque<>());
        if (q.size() >= PER_SENDER) q.pollFirst().connection().close();
        q.addLast(new Idle(c, clock.millis()));
        if (idle.size() > SENDERS) {
            Iterator<Map.Entry<String, ArrayDeque<Idle>>> eldest = idle.entrySet().iterator();
            Map.Entry<String, ArrayDeque<Idle>> e = eldest.next();
            eldest.remove();
            e.getValue().forEach(x -> x.connection().close());
        }
    }

    /** Idle connections held, for tests. */
    synchronized int size() {
        return idle.values().stream().mapToInt(ArrayDeque::size).sum();
    }
}
