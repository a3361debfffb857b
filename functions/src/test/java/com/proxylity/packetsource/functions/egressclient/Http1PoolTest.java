package com.proxylity.packetsource.functions.egressclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.testing.ManualClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Http1Pool with real connections (to a loopback listener; the kernel completes them without an
 * accept) and a clock the test moves: idle expiry by wall-clock time, also when the clock goes
 * back, and the bounds per sender and on senders. A connection the pool lets go is closed.
 */
class Http1PoolTest {
    private ServerSocket listener;
    private final List<Http1Connection> opened = new ArrayList<>();

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    }

    @AfterEach
    void close() throws IOException {
        opened.forEach(Http1Connection::close);
        listener.close();
    }

    private Http1Connection connection() throws IOException {
        Http1Connection c = Http1Connection.open("127.0.0.1", listener.getLocalPort(), 3_000);
        opened.add(c);
        return c;
    }

    @Test
    void theMostRecentlyKeptConnectionIsTakenFirstAndOnlyForItsSender() throws Exception {
        Http1Pool pool = new Http1Pool(new ManualClock(Instant.EPOCH));
        Http1Connection a = connection();
        Http1Connection b = connection();
        pool.give("10.0.0.1:8080", a);
        pool.give("10.0.0.1:8080", b);
        assertNull(pool.take("10.0.0.1:8081"));
        assertSame(b, pool.take("10.0.0.1:8080"));
        assertSame(a, pool.take("10.0.0.1:8080"));
        assertNull(pool.take("10.0.0.1:8080"));
        assertTrue(a.reusable() && b.reusable(), "handed out, not closed");
    }

    @Test
    void aConnectionIdleForTheIdleTimeIsClosedInsteadOfUsed() throws Exception {
        ManualClock clock = new ManualClock(Instant.EPOCH);
        Http1Pool pool = new Http1Pool(clock);
        Http1Connection c = connection();
        pool.give("s:1", c);
        clock.advance(Duration.ofMillis(Http1Pool.IDLE_MILLIS - 1));
        assertSame(c, pool.take("s:1"));
        pool.give("s:1", c);
        clock.advance(Duration.ofMillis(Http1Pool.IDLE_MILLIS));
        assertNull(pool.take("s:1"));
        assertFalse(c.reusable(), "an expired connection is closed");
        assertEquals(0, pool.size());
    }

    /** A thawed environment's clock may have been set back: that says nothing about how long the sender has been idle. */
    @Test
    void aClockThatWentBackIsNoEvidenceOfFreshness() throws Exception {
        ManualClock clock = new ManualClock(Instant.EPOCH);
        Http1Pool pool = new Http1Pool(clock);
        Http1Connection c = connection();
        pool.give("s:1", c);
        clock.advance(Duration.ofMillis(-1));
        assertNull(pool.take("s:1"));
        assertFalse(c.reusable());
    }

    /** Expired connections behind a fresh one go when they are reached; a take never hands out one of them. */
    @Test
    void anExpiredConnectionIsNeverHandedOutBehindAFreshOne() throws Exception {
        ManualClock clock = new ManualClock(Instant.EPOCH);
        Http1Pool pool = new Http1Pool(clock);
        Http1Connection old = connection();
        pool.give("s:1", old);
        clock.advance(Duration.ofMillis(Http1Pool.IDLE_MILLIS));
        Http1Connection fresh = connection();
        pool.give("s:1", fresh);
        assertSame(fresh, pool.take("s:1"));
        assertNull(pool.take("s:1"));
        assertFalse(old.reusable());
    }

    @Test
    void aConnectionThatCannotCarryAnotherRequestIsClosedNotKept() throws Exception {
        Http1Pool pool = new Http1Pool(new ManualClock(Instant.EPOCH));
        Http1Connection c = connection();
        c.close();
        pool.give("s:1", c);
        assertEquals(0, pool.size());
        assertNull(pool.take("s:1"));
    }

    @Test
    void connectionsPerSenderAndSendersAreBoundedAndTheOnesLetGoAreClosed() throws Exception {
        Http1Pool pool = new Http1Pool(new ManualClock(Instant.EPOCH));
        List<Http1Connection> first = new ArrayList<>();
        for (int i = 0; i <= Http1Pool.PER_SENDER; i++) {
            Http1Connection c = connection();
            first.add(c);
            pool.give("first:1", c);
        }
        assertEquals(Http1Pool.PER_SENDER, pool.size());
        assertFalse(first.get(0).reusable(), "the longest idle one made room");
        assertTrue(first.stream().skip(1).allMatch(Http1Connection::reusable));

        for (int s = 0; s < Http1Pool.SENDERS - 1; s++) pool.give("other" + s + ":1", connection());
        assertNull(pool.take("absent:1"));
        Http1Connection kept = pool.take("first:1");
        pool.give("first:1", kept); // first is now the most recently used sender
        pool.give("newest:1", connection());
        assertEquals(Http1Pool.PER_SENDER + Http1Pool.SENDERS - 1, pool.size(), "the least recently used sender, other0, made room");
        assertNull(pool.take("other0:1"));
        assertSame(kept, pool.take("first:1"));
    }

    @Test
    void concurrentTakersNeverShareAConnection() throws Exception {
        Http1Pool pool = new Http1Pool(new ManualClock(Instant.EPOCH));
        for (int i = 0; i < Http1Pool.PER_SENDER; i++) pool.give("s:1", connection());
        int threads = 4;
        int rounds = 50_000;
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            java.util.Set<Http1Connection> inUse = java.util.concurrent.ConcurrentHashMap.newKeySet();
            for (int t = 0; t < threads; t++) {
                results.add(ex.submit(() -> {
                    start.await();
                    int shared = 0;
                    for (int r = 0; r < rounds; r++) {
                        Http1Connection c = pool.take("s:1");
                        if (c == null) continue;
                        if (!inUse.add(c)) shared++;
                        inUse.remove(c);
                        pool.give("s:1", c);
                    }
                    return shared;
                }));
            }
            start.countDown();
            for (Future<Integer> f : results) assertEquals(0, f.get());
            assertEquals(Http1Pool.PER_SENDER, pool.size());
        } finally {
            ex.shutdownNow();
        }
    }
}
