package com.proxylity.packetsource.core.wireguard;

import static org.junit.jupiter.api.Assertions.*;

import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many threads seal for one peer at once: every message gets its own counter (none reused, none
 * skipped) and the peer opens them all. The total stays inside the 8128-counter replay window, so
 * arrival order cannot make the peer drop any. And when a keypair nears RejectAfterMessages, the
 * sealers racing for its last counters get exactly those, and nothing past them.
 */
class WireGuardConcurrencyTest {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 1000;

    @ParameterizedTest
    @MethodSource("com.proxylity.packetsource.core.testing.TransportAeads#usable")
    void concurrentSealersGetDistinctCountersAndThePeerAcceptsAll(ChaChaPoly aead) throws Exception {
        WireGuardEngineFixture f = new WireGuardEngineFixture(aead, null, null);
        f.handshake();
        // The confirming keepalive's answer took counter 0.
        long first = f.engine.sessionInfo(f.peer.publicKey(), f.now).orElseThrow().sentMessages();
        ConcurrentLinkedQueue<byte[]> sealed = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    ByteBuffer out = ByteBuffer.allocateDirect(f.engine.sealedSize(64));
                    for (int i = 0; i < PER_THREAD; i++) {
                        byte[] inner = WireGuardEngineFixture.ipv4Packet(64);
                        inner[20] = (byte) thread;
                        inner[21] = (byte) (i >>> 8);
                        inner[22] = (byte) i;
                        out.clear();
                        SealResult r = f.engine.seal(f.peer.publicKey(), ByteBuffer.wrap(inner), out, f.now);
                        assertTrue(r.isSealed(), r::toString);
                        byte[] copy = new byte[r.length()];
                        out.flip().get(copy);
                        sealed.add(copy);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> d : done) d.get();
        } finally {
            pool.shutdownNow();
        }

        int total = THREADS * PER_THREAD;
        assertEquals(total, sealed.size());
        BitSet counters = new BitSet();
        BitSet payloads = new BitSet();
        for (byte[] msg : sealed) {
            WireGuardTestPeer.Opened o = f.peer.openWithCounter(msg);
            assertNotNull(o, "the peer accepts every message");
            int c = (int) (o.counter() - first);
            assertFalse(counters.get(c), "counter used twice: " + o.counter());
            counters.set(c);
            byte[] p = o.plaintext();
            payloads.set((p[20] & 0xFF) * PER_THREAD + ((p[21] & 0xFF) << 8 | (p[22] & 0xFF)));
        }
        assertEquals(total, counters.cardinality());
        assertEquals(total, counters.nextClearBit(0), "counters are contiguous: none skipped");
        assertEquals(total, payloads.cardinality(), "every payload arrived intact");
        assertEquals(first + total, f.engine.sessionInfo(f.peer.publicKey(), f.now).orElseThrow().sentMessages());
    }

    @Test
    void concurrentSealersStopExactlyAtRejectAfterMessages() throws Exception {
        WireGuardEngineFixture f = new WireGuardEngineFixture();
        f.handshake();
        int left = 4_000;
        f.engine.currentKeypair(f.peer.publicKey()).setSendCounterForTest(WireGuardProtocol.REJECT_AFTER_MESSAGES - left);
        ConcurrentLinkedQueue<byte[]> sealed = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    byte[] inner = WireGuardEngineFixture.ipv4Packet(64);
                    ByteBuffer out = ByteBuffer.allocate(f.engine.sealedSize(64));
                    // Each sealer goes on until the keypair refuses it a few times in a row.
                    for (int misses = 0; misses < 3; ) {
                        out.clear();
                        SealResult r = f.engine.seal(f.peer.publicKey(), ByteBuffer.wrap(inner), out, f.now);
                        if (r.isSealed()) {
                            byte[] copy = new byte[r.length()];
                            out.flip().get(copy);
                            sealed.add(copy);
                        } else {
                            assertEquals(SealResult.SESSION_EXPIRED, r);
                            assertEquals(0, out.position(), "nothing written");
                            refused.incrementAndGet();
                            misses++;
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> d : done) d.get();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(left, sealed.size(), "exactly the counters left below RejectAfterMessages were used");
        assertEquals(THREADS * 3, refused.get());
        List<byte[]> byCounter = new ArrayList<>(sealed);
        byCounter.sort((a, b) -> Long.compareUnsigned(counter(a), counter(b)));
        BitSet seen = new BitSet();
        for (byte[] msg : byCounter) {
            WireGuardTestPeer.Opened o = f.peer.openWithCounter(msg);
            assertNotNull(o, "the peer accepts every message (a reused counter is a replay)");
            long below = WireGuardProtocol.REJECT_AFTER_MESSAGES - o.counter();
            assertTrue(below >= 1 && below <= left, "counter " + Long.toUnsignedString(o.counter()) + " outside the last " + left);
            assertFalse(seen.get((int) below), "counter used twice");
            seen.set((int) below);
        }
    }

    private static long counter(byte[] msg) {
        return ByteBuffer.wrap(msg, 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
