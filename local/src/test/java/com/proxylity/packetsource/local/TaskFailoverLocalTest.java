package com.proxylity.packetsource.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.core.testing.Await;
import com.proxylity.packetsource.core.testing.InnerUdpReceiver;
import com.proxylity.packetsource.core.testing.ReceivedDatagram;
import com.proxylity.packetsource.core.testing.WireGuardKeys;
import com.proxylity.packetsource.core.testing.WireGuardPeer;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.sqs.Sqs;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Issue 21's failover test: local mode with two sender tasks on one WireGuard Listener port,
 * real wireguard-go peers (persistent keepalive 2 s) spread over both tasks by the kernel's flow
 * hash, and a steady stream of messages published through the whole pipeline. The task holding
 * one peer's session is killed through the task control (no last beat, its records left to
 * lapse, as SIGKILL). Then: the surviving task's own peer loses nothing and gets nothing twice;
 * the killed task's peer is served again by the survivor, which initiated a handshake from the
 * Listener; and every published entry is accounted for: delivered, or discarded by a reason the
 * docs give for a failover — nothing silently lost. The time to recovery is printed, not
 * asserted (the failover bench measures it). Needs root and wireguard-go.
 */
class TaskFailoverLocalTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int INNER_PORT = 12345;
    private static final int MAX_PEERS = 12;

    /** One peer: its keys, its tunnel, what was published to it and what came out of the tunnel. */
    private static final class Client implements AutoCloseable {
        final WireGuardKeys keys;
        final WireGuardPeer peer;
        final InnerUdpReceiver rx;
        /** In publishing order; only the test's thread publishes. */
        final Set<String> published = new LinkedHashSet<>();
        final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        final Thread reader;
        volatile boolean open = true;

        Client(WireGuardKeys keys, WireGuardPeer peer) {
            this.keys = keys;
            this.peer = peer;
            this.rx = peer.receiver(peer.innerV4(), INNER_PORT);
            this.reader = new Thread(() -> {
                while (open) {
                    Optional<ReceivedDatagram> d = rx.receive(Duration.ofMillis(200));
                    d.ifPresent(x -> received.computeIfAbsent(x.payloadUtf8(), k -> new AtomicInteger()).incrementAndGet());
                }
            }, "rx-" + keys.publicKey().substring(0, 6));
            reader.setDaemon(true);
            reader.start();
        }

        boolean got(String payload) {
            return received.containsKey(payload);
        }

        @Override
        public void close() throws InterruptedException {
            open = false;
            reader.join(2000);
            rx.close();
            peer.close();
        }
    }

    /** Local mode with two tasks and a WireGuard Listener that admits {@link #MAX_PEERS} peers. */
    private static final class Setup {
        final WireGuardKeys listenerKeys = WireGuardKeys.generate();
        final List<WireGuardKeys> peerKeys = new ArrayList<>();
        final LocalConfig cfg;

        Setup() throws Exception {
            for (int i = 0; i < MAX_PEERS; i++) peerKeys.add(WireGuardKeys.generate());
            String yaml = "regions: [us-east-1]\n"
                    + "senderTasks: 2\n"
                    + "queues: {visibilityTimeoutSeconds: 1, maxReceiveCount: 100, batchSize: 10}\n"
                    + "listeners:\n"
                    + "  - {name: tunnel, protocol: wg, decapsulated: true, privateKey: \"" + listenerKeys.privateKey()
                    + "\", allowedPeers: [" + peerKeys.stream().map(k -> "\"" + k.publicKey() + "\"").collect(Collectors.joining(", "))
                    + "]}\n"
                    + "packetSources: [{topic: tunnel, listener: tunnel, formatter: utf8}]\n";
            cfg = LocalConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        }

        /** Peers until the kernel's flow hash has given each task one (2^-11 to miss with twelve): task id to its peer. */
        Map<String, Client> peersOnBothTasks(LocalMode local, List<Client> started) throws Exception {
            InetSocketAddress listener = new InetSocketAddress("127.0.0.1", local.sender().listenerPorts().get("tunnel"));
            Map<String, Client> byTask = new LinkedHashMap<>();
            for (int i = 0; i < MAX_PEERS && byTask.size() < 2; i++) {
                WireGuardPeer peer = WireGuardPeer.builder().keys(peerKeys.get(i)).peer(listenerKeys.publicKey(), listener)
                        .persistentKeepalive(Duration.ofSeconds(2)).start();
                Client c = new Client(peerKeys.get(i), peer);
                started.add(c);
                byTask.putIfAbsent(awaitSession(local, c.keys.publicKey(), null).owner(), c);
            }
            assertEquals(2, byTask.size(), "sessions on both tasks: " + byTask.keySet());
            return byTask;
        }
    }

    /** One message to each of the two peers per round, numbered, published through local SNS. */
    private static Runnable rounds(SnsClient sns, LocalConfig cfg, Client... to) {
        AtomicLong seq = new AtomicLong();
        return () -> {
            for (Client c : to) {
                String payload = "m" + seq.incrementAndGet();
                c.published.add(payload);
                publish(sns, cfg, c, payload);
            }
        };
    }

    /**
     * Publishes a round every 100 ms until the peer has received something published from now on,
     * then for {@code after} more; returns when that first arrival was, in nanos.
     */
    private static long publishUntilServed(Runnable round, Client peer, Duration after) throws InterruptedException {
        Set<String> fromNow = ConcurrentHashMap.newKeySet();
        long recoveredAt = -1;
        long stopAt = Long.MAX_VALUE;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < Math.min(stopAt, deadline)) {
            int before = peer.published.size();
            round.run();
            peer.published.stream().skip(before).forEach(fromNow::add);
            if (recoveredAt < 0 && fromNow.stream().anyMatch(peer::got)) {
                recoveredAt = System.nanoTime();
                stopAt = recoveredAt + after.toNanos();
            }
            Thread.sleep(100);
        }
        assertTrue(recoveredAt > 0, "the peer received nothing published after the event within " + WAIT);
        return recoveredAt;
    }

    private final List<Client> clients = new ArrayList<>();
    private Setup setup;
    private LocalMode local;
    private SnsClient sns;
    /** Task id to a peer whose session it holds, for both tasks. */
    private Map<String, Client> byTask;

    @BeforeEach
    void twoTasksWithAPeerEach() throws Exception {
        WireGuardPeer.requireAvailable();
        setup = new Setup();
        local = LocalMode.start(setup.cfg, LocalWireGuard.ports(), null);
        sns = sns(local);
        byTask = setup.peersOnBothTasks(local, clients);
    }

    @AfterEach
    void stop() throws Exception {
        for (Client c : clients) c.close();
        if (sns != null) sns.close();
        if (local != null) local.close();
    }

    @Test
    void aKilledTasksPeerIsServedAgainByTheSurvivorAndNothingIsLostSilently() throws Exception {
        List<String> taskIds = new ArrayList<>(byTask.keySet());
        String victimTask = taskIds.get(0);
        String survivorTask = taskIds.get(1);
        Client victim = byTask.get(victimTask);
        Client survivor = byTask.get(survivorTask);
        Runnable round = rounds(sns, setup.cfg, victim, survivor);
        round.run();
        Await.until("both peers served before the kill", WAIT, () -> victim.received.size() == 1 && survivor.received.size() == 1);

        assertEquals(200, post(local.taskControl().orElseThrow().resolve("/tasks/" + victimTask + "/kill")));
        long killed = System.nanoTime();
        long recoveredAt = publishUntilServed(round, victim, Duration.ofSeconds(2));
        System.out.printf("TaskFailoverLocalTest: %s killed; its peer received again %.1f s after the kill%n",
                victimTask, (recoveredAt - killed) / 1e9);

        SessionRecord now = awaitSession(local, victim.keys.publicKey(), survivorTask);
        assertEquals(survivorTask, now.owner(), "the survivor holds the killed task's peer now");
        assertNotEquals(victimTask, now.owner());
        awaitSettled(local, victim, survivor);
        assertEquals(survivor.published, survivor.received.keySet(), "the survivor's own peer lost nothing");
        assertTrue(survivor.received.values().stream().allMatch(n -> n.get() == 1), "and got nothing twice");

        Map<String, Long> discards = local.metrics().byDimension(PipelineMetrics.PACKETS_DISCARDED);
        long discarded = discards.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(discards.keySet().stream().allMatch(d -> d.equals(PipelineMetrics.REASON + "=SessionExpired")
                || d.equals(PipelineMetrics.REASON + "=NoSession")), "failover discards only: " + discards);
        long victimDelivered = victim.published.stream().filter(victim::got).count();
        assertEquals(victim.published.size(), victimDelivered + discarded,
                "each of the killed task's peer's packets arrived or was counted as a discard: " + discards);
    }

    /**
     * A rolling replacement, as ECS does it: the old task drains (beats Draining, keeps sending
     * for its own peers), then stops as on SIGTERM. Its peer's packets published meanwhile wait
     * for the task that takes the peer over (core Handover) and all arrive: nothing is discarded,
     * nothing arrives twice.
     */
    @Test
    void aRollingReplacementLosesNothingThatOneTaskWouldHaveSent() throws Exception {
        List<String> taskIds = new ArrayList<>(byTask.keySet());
        String oldTask = taskIds.get(0);
        Client moving = byTask.get(oldTask);
        Client staying = byTask.get(taskIds.get(1));
        Runnable round = rounds(sns, setup.cfg, moving, staying);
        URI control = local.taskControl().orElseThrow();

        assertEquals(200, post(control.resolve("/tasks/" + oldTask + "/drain")));
        long drainEnds = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < drainEnds) {
            round.run();
            Thread.sleep(100);
        }
        assertEquals(200, post(control.resolve("/tasks/" + oldTask + "/stop")));
        long stopped = System.nanoTime();
        long servedAt = publishUntilServed(round, moving, Duration.ofSeconds(2));
        System.out.printf("TaskFailoverLocalTest: %s replaced; its peer received again %.1f s after the stop%n",
                oldTask, (servedAt - stopped) / 1e9);

        awaitSettled(local, moving, staying);
        assertEquals(Map.of(), local.metrics().byDimension(PipelineMetrics.PACKETS_DISCARDED), "nothing discarded");
        for (Client c : List.of(moving, staying)) {
            assertEquals(c.published, c.received.keySet(), "every packet arrived");
            assertTrue(c.received.values().stream().allMatch(n -> n.get() == 1), "none twice: " + c.received);
        }
    }

    private static SnsClient sns(LocalMode local) {
        return SnsClient.builder().endpointOverride(local.stack().snsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static void awaitSettled(LocalMode local, Client... clients) throws InterruptedException {
        long published = 0;
        for (Client c : clients) published += c.published.size();
        long expected = published;
        Await.until("every published entry delivered or discarded (published " + expected
                + ", delivered " + local.metrics().total(PipelineMetrics.PACKETS_DELIVERED) + ", discarded "
                + local.metrics().byDimension(PipelineMetrics.PACKETS_DISCARDED) + ", failed records "
                + local.metrics().total(PipelineMetrics.RECORDS_FAILED) + " when the wait began)",
                WAIT, () -> settled(local) == expected);
    }

    /** Delivered plus discarded entries, as the pipeline's metrics count them. */
    private static long settled(LocalMode local) {
        // Discards are counted per reason only.
        return local.metrics().total(PipelineMetrics.PACKETS_DELIVERED) + local.metrics().byDimension(PipelineMetrics.PACKETS_DISCARDED)
                .values().stream().mapToLong(Long::longValue).sum();
    }

    private static void publish(SnsClient sns, LocalConfig cfg, Client c, String data) {
        String body = "{\"Messages\":[{\"Data\":\"" + data + "\","
                + "\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":51820,\"PeerKey\":\"" + c.keys.publicKey() + "\"},"
                + "\"Inner\":{\"SourceAddress\":\"10.77.0.1\",\"SourcePort\":53,\"DestinationAddress\":\""
                + c.peer.innerV4().getHostAddress() + "\",\"DestinationPort\":" + INNER_PORT + "}}]}";
        sns.publish(b -> b.topicArn(cfg.topicArn("tunnel")).message(body).messageAttributes(Map.of("EgressRegion",
                MessageAttributeValue.builder().dataType("String").stringValue("us-east-1").build())));
    }

    /** The peer's live session, held by {@code owner} when given. */
    private static SessionRecord awaitSession(LocalMode local, String peerKey, String owner) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SessionRecord> r = local.sessions().get("tunnel", peerKey);
            if (r.isPresent() && r.get().liveAt(Instant.now()) && (owner == null || owner.equals(r.get().owner()))) return r.get();
            Thread.sleep(50);
        }
        throw new AssertionError("no live session for the peer" + (owner == null ? "" : " held by " + owner) + " within " + WAIT);
    }

    private static int post(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

}
