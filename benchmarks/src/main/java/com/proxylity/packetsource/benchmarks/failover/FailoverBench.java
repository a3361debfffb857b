package com.proxylity.packetsource.benchmarks.failover;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.frame.InnerFrame;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.EntryId;
import com.proxylity.packetsource.core.pipeline.LookupSessionsStage;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.session.InMemoryTaskDirectory;
import com.proxylity.packetsource.core.session.PlainUdpRouting;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.core.testing.InnerUdpReceiver;
import com.proxylity.packetsource.core.testing.ReceivedDatagram;
import com.proxylity.packetsource.core.testing.WireGuardKeys;
import com.proxylity.packetsource.core.testing.WireGuardPeer;
import com.proxylity.packetsource.functions.Egress;
import com.proxylity.packetsource.functions.HandoverWait;
import com.proxylity.packetsource.functions.LookupSessions;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.model.Batches;
import com.proxylity.packetsource.functions.model.EgressBatch;
import com.proxylity.packetsource.functions.model.EgressStateResult;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.local.KillSwitch;
import com.proxylity.packetsource.local.stepfunctions.LocalMetrics;
import com.proxylity.packetsource.sender.Sender;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 21, item 7: what a task's loss costs each client. Two real sender tasks share one
 * WireGuard Listener port and one plain UDP Listener port ({@code SO_REUSEPORT}: the kernel
 * hashes each client flow to one task, as local mode's stand-in for the NLB), with one session
 * and task directory. Real wireguard-go peers (each in its own network namespace, persistent
 * keepalive {@code -Dkeepalive}) and plain UDP clients (one datagram to the Listener every
 * second) are served by a driver that runs the pipeline's own LookupSessions and Egress handlers:
 * every {@code -DintervalMs} one packet per client, routed by owner and posted, signed, to the
 * owning task's egress API (each batch on its own thread, as the Pipe runs executions side by
 * side; a held batch waits in Egress for its new owner). After a warm-up the task holding the first peer's session
 * is killed: from then on nothing it writes reaches the directories (no last beat, its sessions
 * not expired, as after SIGKILL: local mode's {@link KillSwitch}), then it closes its sockets.
 * Reported per client: its task before the kill, the time from the kill to the first delivered
 * packet that was posted after it, and what happened to the packets posted after the kill.
 *
 * <p>{@code -Dmode=rolling} replaces the task instead, as a rolling deployment does: a third task
 * starts on the same ports, the old one drains ({@link Sender#drain}) for {@code -DdrainSeconds}
 * (10) and then stops cleanly (last beat "gone now", its sessions expired); reported the same way,
 * plus the longest gap between two deliveries after the replacement began.
 *
 * <p>Bounded: {@code -Dpeers} (default 2) peers, {@code -Dclients} (4) clients, {@code -Druns}
 * (1) runs, each observed {@code -DobserveSeconds} (keepalive + 20) after the kill. Loopback and
 * the peers' network namespaces only. Needs root, wireguard-go, wg, ip, python3 (as the
 * wireguard-go interop tests). Run: BENCHMARKS.md, "Failover".
 */
public final class FailoverBench {
    private static final String WG = "tunnel";
    private static final String UDP = "plain";
    private static final int INNER_PORT = 12345;
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private FailoverBench() {}

    public static void main(String[] args) throws Exception {
        int peers = Integer.getInteger("peers", 2);
        int clients = Integer.getInteger("clients", 4);
        int keepalive = Integer.getInteger("keepalive", 25);
        int runs = Integer.getInteger("runs", 1);
        long intervalMs = Long.getLong("intervalMs", 100);
        int observe = Integer.getInteger("observeSeconds", keepalive + 20);
        boolean rolling = "rolling".equals(System.getProperty("mode", "kill"));
        int drainSeconds = Integer.getInteger("drainSeconds", 10);
        if (peers < 1 || peers > 8 || clients < 0 || clients > 32 || runs < 1 || runs > 10) {
            throw new IllegalArgumentException("peers 1..8, clients 0..32, runs 1..10");
        }
        System.out.printf("failover: 2 tasks, %d wireguard-go peers (keepalive %d s), %d plain UDP clients (1 datagram/s),"
                + " one packet per client every %d ms, observed %d s after the kill%n", peers, keepalive, clients, intervalMs, observe);
        if (rolling) System.out.printf("mode rolling: a third task starts, the old one drains %d s, then stops cleanly%n", drainSeconds);
        for (int r = 1; r <= runs; r++) new Run(r, peers, clients, keepalive, intervalMs, observe, rolling, drainSeconds).go();
    }

    /** One client's view of the run. */
    private static final class Target {
        final String name;
        final ReadyPacketFactory factory;
        String ownerBefore = "?";
        final AtomicLong firstAfterKillNanos = new AtomicLong(-1);
        long lastArrivalNanos = -1;
        long longestGapNanos;
        final AtomicLong postedAfter = new AtomicLong();
        final AtomicLong deliveredAfter = new AtomicLong();
        final AtomicLong postFailedAfter = new AtomicLong();
        final Map<DiscardReason, AtomicLong> discardedAfter = new EnumMap<>(DiscardReason.class);

        Target(String name, ReadyPacketFactory factory) {
            this.name = name;
            this.factory = factory;
        }

        synchronized void discard(DiscardReason r) {
            discardedAfter.computeIfAbsent(r, k -> new AtomicLong()).incrementAndGet();
        }
    }

    private interface ReadyPacketFactory {
        ReadyPacket make(String id, byte[] payload);
    }

    private static final class Run {
        final int number;
        final int peerCount;
        final int clientCount;
        final int keepalive;
        final long intervalMs;
        final int observe;
        final boolean rolling;
        final int drainSeconds;
        final InMemoryTaskDirectory tasks = new InMemoryTaskDirectory();
        final InMemorySessionDirectory sessions = new InMemorySessionDirectory();
        final Map<String, KillSwitch> killSwitches = new ConcurrentHashMap<>();
        final List<ExecutorService> executors = new ArrayList<>();
        final byte[] hmacKey = new byte[32];
        final Map<String, Sender> senders = new LinkedHashMap<>();
        final List<Target> targets = new ArrayList<>();
        volatile long killNanos = Long.MAX_VALUE;
        volatile boolean running = true;

        Run(int number, int peers, int clients, int keepalive, long intervalMs, int observe, boolean rolling, int drainSeconds) {
            this.rolling = rolling;
            this.drainSeconds = drainSeconds;
            this.number = number;
            this.peerCount = peers;
            this.clientCount = clients;
            this.keepalive = keepalive;
            this.intervalMs = intervalMs;
            this.observe = observe;
            new SecureRandom().nextBytes(hmacKey);
        }

        Sender task(String id, WireGuardKeys listenerKeys, List<String> peerKeys, int wgPort, int udpPort) throws Exception {
            SenderConfig config = SenderConfig.builder().senderId(id).hmacKey(hmacKey).socketsPerListener(1)
                    .drainTimeout(Duration.ofSeconds(1))
                    .listener(new ListenerConfig(WG, ListenerType.WG_DECAP, "127.0.0.1", wgPort,
                            listenerKeys.privateKeyBytes(), peerKeys))
                    .listener(ListenerConfig.udp(UDP, "127.0.0.1", udpPort)).build();
            KillSwitch kill = killSwitches.computeIfAbsent(id, k -> new KillSwitch());
            return Sender.builder(config).sessionDirectory(kill.sessions(sessions)).taskDirectory(kill.tasks(tasks)).recordFlowOwners(true)
                    .shareListenerPorts(true).egressPolicy(DefaultEgressPolicy.localMode()).metricsOut(QUIET).start();
        }

        void go() throws Exception {
            WireGuardKeys listenerKeys = WireGuardKeys.generate();
            List<WireGuardKeys> peerKeys = new ArrayList<>();
            for (int i = 0; i < peerCount; i++) peerKeys.add(WireGuardKeys.generate());
            List<String> allowed = peerKeys.stream().map(WireGuardKeys::publicKey).toList();
            Sender first = task("task-1", listenerKeys, allowed, 0, 0);
            senders.put("task-1", first);
            int wgPort = first.listenerAddress(WG).getPort();
            int udpPort = first.listenerAddress(UDP).getPort();
            senders.put("task-2", task("task-2", listenerKeys, allowed, wgPort, udpPort));
            List<WireGuardPeer> wgPeers = new ArrayList<>();
            List<InnerUdpReceiver> receivers = new ArrayList<>();
            List<DatagramSocket> udpClients = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            // The pipeline's own handlers, as the state machine runs them: each round is an execution of
            // its own, and the Pipe runs executions side by side, so a held batch holds back no other.
            PipelineMetrics metrics = new LocalMetrics().pipelineMetrics();
            LookupSessions lookup = new LookupSessions(sessions, new InMemoryRegistry(), Clock.systemUTC(), metrics, tasks);
            Egress egress = new Egress(new HttpEgressTransport(hmacKey, Clock.systemUTC(), Duration.ofSeconds(2)),
                    Clock.systemUTC(), metrics, new HandoverWait(sessions, tasks, Clock.systemUTC()));
            ExecutorService map = Executors.newCachedThreadPool();
            executors.add(map);
            InetAddress innerSource = InetAddress.getByName("10.77.0.1");
            try {
                for (int i = 0; i < peerCount; i++) {
                    WireGuardPeer peer = WireGuardPeer.builder().keys(peerKeys.get(i))
                            .peer(listenerKeys.publicKey(), new InetSocketAddress("127.0.0.1", wgPort))
                            .persistentKeepalive(Duration.ofSeconds(keepalive)).start();
                    wgPeers.add(peer);
                    String key = peerKeys.get(i).publicKey();
                    InetAddress inner = peer.innerV4();
                    Target t = new Target("wg-peer-" + (i + 1), (id, p) -> new ReadyPacket(id, WG, ListenerType.WG_DECAP,
                            "203.0.113.9", 51820, key, InnerFrame.build(innerSource, 53, inner, INNER_PORT, p)));
                    targets.add(t);
                    InnerUdpReceiver rx = peer.receiver(inner, INNER_PORT);
                    receivers.add(rx);
                    threads.add(daemon("rx-" + t.name, () -> {
                        while (running) {
                            Optional<ReceivedDatagram> d = rx.receive(Duration.ofMillis(500));
                            if (d.isPresent()) arrived(t, d.get().payload());
                        }
                    }));
                }
                for (int i = 0; i < clientCount; i++) {
                    DatagramSocket c = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                    c.setSoTimeout(500);
                    udpClients.add(c);
                    int port = c.getLocalPort();
                    Target t = new Target("udp-client-" + (i + 1),
                            (id, p) -> new ReadyPacket(id, UDP, ListenerType.UDP, "127.0.0.1", port, null, p));
                    targets.add(t);
                    threads.add(daemon("talk-" + t.name, () -> {
                        // The client talks to the Listener once a second, as a device that keeps its flow.
                        InetSocketAddress listener = new InetSocketAddress("127.0.0.1", udpPort);
                        while (running) {
                            c.send(new DatagramPacket(new byte[] {0}, 1, listener));
                            Thread.sleep(1000);
                        }
                    }));
                    threads.add(daemon("rx-" + t.name, () -> {
                        byte[] buf = new byte[256];
                        while (running) {
                            DatagramPacket d = new DatagramPacket(buf, buf.length);
                            try {
                                c.receive(d);
                            } catch (SocketTimeoutException e) {
                                continue;
                            }
                            byte[] p = new byte[d.getLength()];
                            System.arraycopy(d.getData(), 0, p, 0, p.length);
                            arrived(t, p);
                        }
                    }));
                }
                threads.forEach(Thread::start);
                awaitOwners(peerKeys, udpClients);
                Thread driver = daemon("driver", () -> drive(lookup, egress, map));
                driver.start();
                threads.add(driver);
                Thread.sleep(3000);

                String victim = sessions.get(WG, peerKeys.get(0).publicKey()).map(SessionRecord::owner).orElse("task-1");
                for (int i = 0; i < peerCount; i++) {
                    targets.get(i).ownerBefore = sessions.get(WG, peerKeys.get(i).publicKey()).map(SessionRecord::owner).orElse("?");
                }
                for (int i = 0; i < clientCount; i++) {
                    DatagramSocket c = udpClients.get(i);
                    targets.get(peerCount + i).ownerBefore = sessions.get(UDP,
                            PlainUdpRouting.flowKey(c.getLocalAddress(), c.getLocalPort())).map(SessionRecord::owner).orElse("?");
                }
                if (rolling) {
                    killNanos = System.nanoTime();
                    senders.put("task-3", task("task-3", listenerKeys, allowed, wgPort, udpPort));
                    senders.get(victim).drain();
                    System.out.printf("run %d: replacing %s (held wg-peer-1's session) by task-3; Listener ports wg %d, udp %d%n",
                            number, victim, wgPort, udpPort);
                    Thread.sleep(drainSeconds * 1000L);
                    senders.remove(victim).close();
                } else {
                    killSwitches.get(victim).kill();
                    killNanos = System.nanoTime();
                    senders.remove(victim).close();
                    System.out.printf("run %d: killed %s (held wg-peer-1's session); Listener ports wg %d, udp %d%n",
                            number, victim, wgPort, udpPort);
                }
                Thread.sleep(observe * 1000L);
                report();
            } finally {
                running = false;
                for (Thread t : threads) t.join(2000);
                udpClients.forEach(DatagramSocket::close);
                receivers.forEach(InnerUdpReceiver::close);
                wgPeers.forEach(WireGuardPeer::close);
                senders.values().forEach(Sender::close);
                executors.forEach(ExecutorService::shutdownNow);
            }
        }

        void awaitOwners(List<WireGuardKeys> peerKeys, List<DatagramSocket> clients) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                boolean all = peerKeys.stream().allMatch(k -> sessions.get(WG, k.publicKey())
                        .map(s -> s.liveAt(Instant.now())).orElse(false));
                all &= clients.stream().allMatch(c -> sessions.get(UDP,
                        PlainUdpRouting.flowKey(c.getLocalAddress(), c.getLocalPort())).isPresent());
                if (all) return;
                Thread.sleep(100);
            }
            throw new IllegalStateException("not every peer has a session and every client a flow within 30 s");
        }

        /** LookupSessions + Egress for one packet per client each interval, as the pipeline does. */
        void drive(LookupSessions lookup, Egress egress, ExecutorService map) throws Exception {
            long seq = 0;
            while (running) {
                long started = System.nanoTime();
                List<ReadyPacket> packets = new ArrayList<>();
                Map<String, Target> byId = new LinkedHashMap<>();
                for (Target t : targets) {
                    String id = "m" + seq + "-" + byId.size() + "/0";
                    byte[] payload = (System.nanoTime() + "").getBytes(StandardCharsets.US_ASCII);
                    packets.add(t.factory.make(id, payload));
                    byId.put(id, t);
                }
                seq++;
                boolean after = started >= killNanos;
                if (after) byId.values().forEach(t -> t.postedAfter.incrementAndGet());
                Batches out;
                try {
                    out = lookup.handle(new PacketsState(packets, List.of(), Map.of()));
                } catch (RuntimeException e) {
                    // No live task at all: the state machine would retry, then SQS.
                    if (after) byId.values().forEach(t -> t.postFailedAfter.incrementAndGet());
                    Thread.sleep(intervalMs);
                    continue;
                }
                if (after) for (Discard d : out.discards()) byId.get(d.id()).discard(d.reason());
                for (EgressBatch batch : out.batches()) {
                    map.submit(() -> {
                        try {
                            EgressStateResult r = egress.handle(batch);
                            if (!after) return;
                            for (Discard d : r.discards()) byId.get(d.id()).discard(d.reason());
                            Set<String> failed = new HashSet<>();
                            r.failed().forEach(f -> failed.add(f.itemIdentifier()));
                            for (ReadyPacket p : batch.packets()) {
                                if (failed.contains(EntryId.messageIdOf(p.id()))) byId.get(p.id()).postFailedAfter.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            // The dead task's endpoint while its last heartbeat is still live: SQS would retry.
                            if (after) batch.packets().forEach(p -> byId.get(p.id()).postFailedAfter.incrementAndGet());
                        }
                    });
                }
                long spent = (System.nanoTime() - started) / 1_000_000;
                if (spent < intervalMs) Thread.sleep(intervalMs - spent);
            }
        }

        void arrived(Target t, byte[] payload) {
            long now = System.nanoTime();
            long sent;
            try {
                sent = Long.parseLong(new String(payload, StandardCharsets.US_ASCII).trim());
            } catch (NumberFormatException e) {
                return;
            }
            if (sent < killNanos) return;
            t.deliveredAfter.incrementAndGet();
            t.firstAfterKillNanos.compareAndSet(-1, now - killNanos);
            synchronized (t) {
                long since = now - (t.lastArrivalNanos < 0 ? killNanos : t.lastArrivalNanos);
                t.longestGapNanos = Math.max(t.longestGapNanos, since);
                t.lastArrivalNanos = now;
            }
        }

        void report() {
            System.out.printf("run %d: %-13s %-7s %22s %12s %8s %9s %11s  %s%n", number, "client", "task", "first delivered after kill",
                    "longest gap", "posted", "delivered", "post failed", "discarded");
            for (Target t : targets) {
                long first = t.firstAfterKillNanos.get();
                long gap;
                synchronized (t) {
                    gap = t.longestGapNanos;
                }
                System.out.printf("run %d: %-13s %-7s %22s %12s %8d %9d %11d  %s%n", number, t.name, t.ownerBefore,
                        first < 0 ? "none" : String.format("%.2f s", first / 1e9), String.format("%.2f s", gap / 1e9),
                        t.postedAfter.get(), t.deliveredAfter.get(), t.postFailedAfter.get(), t.discardedAfter);
            }
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread daemon(String name, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                if (!(e instanceof InterruptedException)) e.printStackTrace();
            }
        }, name);
        t.setDaemon(true);
        return t;
    }
}
