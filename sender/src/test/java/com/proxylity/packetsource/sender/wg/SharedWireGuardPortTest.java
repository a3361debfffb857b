package com.proxylity.packetsource.sender.wg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.testing.WireGuardKeys;
import com.proxylity.packetsource.core.wireguard.PeerKey;
import com.proxylity.packetsource.core.wireguard.SealResult;
import com.proxylity.packetsource.core.wireguard.WireGuardTestKeys;
import com.proxylity.packetsource.core.wireguard.WireGuardTestPeer;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The several sockets of one WireGuard Listener seal for one peer at once, without a lock,
 * while the same Listener's serialized side handles the peer's roam, a rekey and a removal. Every
 * datagram sealed is opened by the peer's side (the core's test peer, one instance per session),
 * in counter order through its replay window: a counter used twice is refused there, so each
 * counter must appear once and all must decrypt. Each sealer notes the phase it saw before it
 * began a seal; a seal begun after the roam returned must go to the new endpoint, one begun
 * after the rekey was confirmed must use the new session, one begun after the removal must find
 * no session. Sealers advance phase by phase on latches, never on time.
 */
class SharedWireGuardPortTest {
    private static final int THREADS = 4;
    /** Seals each sealer completes in a phase before the next change is made. */
    private static final int PER_PHASE = 2_000;
    private static final int INNER = 64;

    private final WireGuardKeys listenerKeys = WireGuardKeys.generate();
    private final PeerKey listenerKey = PeerKey.fromBase64(listenerKeys.publicKey());
    private final byte[] peerPrivate = WireGuardTestKeys.key(100);
    private final InetSocketAddress home = new InetSocketAddress("127.0.0.1", 40_001);
    private final InetSocketAddress roamed = new InetSocketAddress("127.0.0.1", 40_002);
    private final Queue<byte[]> transportReplies = new ConcurrentLinkedQueue<>();
    private final BiConsumer<byte[], InetSocketAddress> keepReplies = (b, to) -> {
        if (b[0] == 4) transportReplies.add(b);
    };
    private final long t0 = System.nanoTime();
    private final long epochSecond = System.currentTimeMillis() / 1000;
    private SessionPublisher publisher;
    private WireGuardPort port;
    private String peerKey;

    private record Sealed(byte[] bytes, InetSocketAddress to, int phase) {}

    @BeforeEach
    void listener() {
        peerKey = new WireGuardTestPeer(peerPrivate, listenerKey, null, WireGuardTestKeys.seeded(0)).publicKey().toBase64();
        publisher = new SessionPublisher(new InMemorySessionDirectory());
        ListenerConfig config = new ListenerConfig("wg", ListenerType.WG, "127.0.0.1", 0,
                listenerKeys.privateKeyBytes(), List.of(peerKey));
        port = new SharedWireGuardPort(new EngineWireGuardPort(config, "task-1", publisher, Clock.systemUTC()));
    }

    @AfterEach
    void close() {
        publisher.close();
    }

    @Test
    void socketsSealAtOnceWhileThePeerRoamsAndRekeys() throws Exception {
        WireGuardTestPeer first = session(1, epochSecond, home, t0);
        List<Sealed> sealed = sealConcurrently(
                () -> port.receive(buf(first.seal(new byte[0])), roamed, t0 + ms(500), keepReplies), // roam
                () -> session(2, epochSecond + 1, roamed, t0 + ms(1_000)));                      // rekey
        WireGuardTestPeer second = lastSession;

        List<Sealed> all = withReplies(sealed);
        List<Sealed> onFirst = new ArrayList<>();
        List<Sealed> onSecond = new ArrayList<>();
        for (Sealed s : all) {
            assertNotNull(s.bytes(), "every seal finds the session");
            int index = le32(s.bytes(), 4);
            if (index == first.localIndex()) {
                onFirst.add(s);
            } else {
                assertEquals(second.localIndex(), index, "a datagram of neither session");
                onSecond.add(s);
            }
        }
        assertEachCounterOnceAndAllOpen(first, onFirst);
        assertEachCounterOnceAndAllOpen(second, onSecond);
        for (Sealed s : sealed) {
            if (s.phase() >= 1) assertEquals(roamed, s.to(), "a seal begun after the roam went to the old endpoint");
            if (s.phase() >= 2) assertEquals(second.localIndex(), le32(s.bytes(), 4), "a seal begun after the rekey used the old session");
        }
        assertTrue(onFirst.size() >= THREADS * PER_PHASE * 2 && onSecond.size() >= THREADS * PER_PHASE,
                "every phase sealed: " + onFirst.size() + " / " + onSecond.size());
    }

    @Test
    void aPeerRemovedWhileSocketsSealHasNoSessionForEverySealBegunAfter() throws Exception {
        WireGuardTestPeer first = session(1, epochSecond, home, t0);
        List<Sealed> sealed = sealConcurrently(
                () -> assertEquals(1, port.setAllowedPeers(Set.of())),
                () -> assertEquals(1, port.setAllowedPeers(Set.of(peerKey))));
        List<Sealed> delivered = new ArrayList<>();
        for (Sealed s : withReplies(sealed)) {
            if (s.phase() >= 1) assertTrue(s.bytes() == null, "a seal begun after the peer was removed was sealed");
            if (s.bytes() != null) delivered.add(s);
        }
        assertEachCounterOnceAndAllOpen(first, delivered);
    }

    private WireGuardTestPeer lastSession;

    /** The seals and the Listener's own keepalives, which take counters from the same keypairs. */
    private List<Sealed> withReplies(List<Sealed> sealed) {
        List<Sealed> all = new ArrayList<>(sealed);
        for (byte[] r : transportReplies) all.add(new Sealed(r, null, -1));
        return all;
    }

    /** A handshake from {@code from}, confirmed by the peer's keepalive: the Listener's current session. */
    private WireGuardTestPeer session(int seed, long epoch, InetSocketAddress from, long now) {
        WireGuardTestPeer peer = new WireGuardTestPeer(peerPrivate, listenerKey, null, WireGuardTestKeys.seeded(seed));
        byte[][] response = new byte[1][];
        assertNull(port.receive(buf(peer.initiation(epoch, 0)), from, now, (b, to) -> response[0] = b));
        assertTrue(peer.consumeResponse(response[0]), "the Listener answered the handshake");
        assertNull(port.receive(buf(peer.seal(new byte[0])), from, now, keepReplies), "the confirmation is accepted");
        lastSession = peer;
        return peer;
    }

    /**
     * {@value #THREADS} sealers run phase 0 until each completed {@value #PER_PHASE} seals, then
     * {@code change1} runs and the phase becomes 1, and so on; a seal that finds no session is
     * recorded with null bytes.
     */
    private List<Sealed> sealConcurrently(Runnable change1, Runnable change2) throws Exception {
        CountDownLatch[] done = {new CountDownLatch(THREADS), new CountDownLatch(THREADS), new CountDownLatch(THREADS)};
        volatileStop = false;
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        Queue<Sealed> out = new ConcurrentLinkedQueue<>();
        try {
            List<Future<?>> sealers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                sealers.add(pool.submit(() -> {
                    int[] count = new int[3];
                    ByteBuf buf = Unpooled.buffer(port.sealedSize(INNER));
                    for (int i = 0; !volatileStop; i++) {
                        int ph = currentPhase;
                        byte[] inner = innerPacket(thread, i);
                        buf.clear();
                        SealResult r = port.seal(peerKey, ByteBuffer.wrap(inner), buf, t0 + ms(1_500));
                        if (r.isSealed()) {
                            byte[] bytes = new byte[buf.readableBytes()];
                            buf.readBytes(bytes);
                            out.add(new Sealed(bytes, r.endpoint(), ph));
                        } else {
                            assertEquals(DiscardReason.NoSession, r.discard());
                            out.add(new Sealed(null, null, ph));
                        }
                        if (++count[ph] == PER_PHASE) done[ph].countDown();
                    }
                    return null;
                }));
            }
            assertTrue(done[0].await(60, TimeUnit.SECONDS));
            change1.run();
            currentPhase = 1;
            assertTrue(done[1].await(60, TimeUnit.SECONDS));
            change2.run();
            currentPhase = 2;
            assertTrue(done[2].await(60, TimeUnit.SECONDS));
            volatileStop = true;
            for (Future<?> f : sealers) f.get();
        } finally {
            volatileStop = true;
            currentPhase = 0;
            pool.shutdownNow();
        }
        return new ArrayList<>(out);
    }

    private volatile boolean volatileStop;
    private volatile int currentPhase;

    /** Counters 0..n-1, each once, and every datagram opens, in counter order, through the peer's replay window. */
    private static void assertEachCounterOnceAndAllOpen(WireGuardTestPeer peer, List<Sealed> sealed) {
        List<Sealed> byCounter = new ArrayList<>(sealed);
        byCounter.sort(Comparator.comparingLong(s -> le64(s.bytes(), 8)));
        BitSet counters = new BitSet();
        for (Sealed s : byCounter) {
            long c = le64(s.bytes(), 8);
            assertTrue(c < Integer.MAX_VALUE && !counters.get((int) c), "counter used twice: " + c);
            counters.set((int) c);
            WireGuardTestPeer.Opened o = peer.openWithCounter(s.bytes());
            assertNotNull(o, "the peer opens the datagram with counter " + c);
        }
        assertEquals(byCounter.size(), counters.nextClearBit(0), "counters are contiguous: none skipped");
    }

    /** An IPv4-shaped inner packet naming its sealer and sequence. */
    private static byte[] innerPacket(int thread, int i) {
        byte[] p = new byte[INNER];
        p[0] = 0x45;
        p[3] = INNER;
        p[20] = (byte) thread;
        p[21] = (byte) (i >>> 16);
        p[22] = (byte) (i >>> 8);
        p[23] = (byte) i;
        return p;
    }

    private static ByteBuf buf(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }

    private static long ms(long n) {
        return TimeUnit.MILLISECONDS.toNanos(n);
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private static long le64(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (b[at + i] & 0xFF);
        return v;
    }
}
