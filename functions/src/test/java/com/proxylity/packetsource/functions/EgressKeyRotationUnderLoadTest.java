package com.proxylity.packetsource.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.testing.Await;
import com.proxylity.packetsource.core.egressapi.EgressKeySet;
import com.proxylity.packetsource.core.egressapi.EgressOutcome;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.core.egressapi.EgressSigner;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.functions.egressclient.EgressKey;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.sender.Sender;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/runbook.md "Rotating the egress HMAC key", step by step, while Egress clients post signed
 * batches without pause to real senders that send real UDP on loopback: every request is
 * answered 200 with every packet Sent, and every packet arrives. Twice: from the bare key a stack
 * starts with to a key set, then from one id to the next.
 *
 * <p>Model: the secret is a string the test rewrites; a sender task reads it when it starts
 * (ECS injects it at task start); an Egress execution environment reads it when its version is
 * published (SnapStart) or, to cover a cold start without a snapshot, at any moment. The live
 * task list stands for the Listener's routing. A step counts as done once every client finished
 * two requests after it, so nothing addressed under the previous step is still in flight: no
 * timing is assumed or asserted.
 */
class EgressKeyRotationUnderLoadTest {
    private static final int CLIENTS = 4;
    private static final int PACKETS_PER_BATCH = 3;
    private static final Clock CLOCK = Clock.systemUTC();

    private volatile String secret;
    private volatile List<Sender> tasks = List.of();
    private final HttpEgressTransport[] environments = new HttpEgressTransport[CLIENTS];
    private final AtomicLongArray done = new AtomicLongArray(CLIENTS);
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final Set<String> sent = ConcurrentHashMap.newKeySet();
    private final Set<String> received = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private int remotePort;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void rotatingTheKeyTwiceUnderLoadRefusesNothingAndLosesNothing() throws Exception {
        byte[] k1 = key();
        byte[] k2 = key();
        byte[] k3 = key();
        List<Sender> everyTask = new ArrayList<>();
        try (DatagramSocket remote = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            remote.setReceiveBufferSize(4 << 20);
            remotePort = remote.getLocalPort();
            Thread receiver = new Thread(() -> receive(remote), "remote");
            receiver.start();

            // What the stack creates: one bare base64 key.
            secret = b64(k1);
            List<Sender> first = new ArrayList<>();
            for (int i = 0; i < 2; i++) first.add(startTask(everyTask));
            tasks = List.copyOf(first);
            for (int i = 0; i < CLIENTS; i++) environments[i] = egressVersion();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int c = i;
                Thread t = new Thread(() -> load(c), "egress-" + c);
                t.start();
                clients.add(t);
            }
            settle();

            // Rotation 1: bare key -> {k1 (also checks id-less requests), k2} -> current k2 -> k2 only.
            secret = set("k1", "k1", "k1", k1, "k2", k2);
            coldStart(0);
            settle();
            restartTasks(everyTask);
            secret = set("k2", "k1", "k1", k1, "k2", k2);
            coldStart(1);
            scaleOut(everyTask);
            settle();
            publishVersion();
            secret = set("k2", null, "k2", k2);
            restartTasks(everyTask);
            assertThrows(SenderUnavailableException.class, () -> postOnce(
                    new HttpEgressTransport(k1, CLOCK, Duration.ofSeconds(5)), "retired")); // id-less, k1: retired

            // Rotation 2: k2 -> {k2, k3} -> current k3 -> k3 only; no id-less request is accepted any more.
            secret = set("k2", null, "k2", k2, "k3", k3);
            coldStart(2);
            settle();
            restartTasks(everyTask);
            secret = set("k3", null, "k2", k2, "k3", k3);
            coldStart(3);
            settle();
            publishVersion();
            secret = set("k3", null, "k3", k3);
            restartTasks(everyTask);
            assertThrows(SenderUnavailableException.class, () -> postOnce(
                    new HttpEgressTransport(EgressSigner.current(EgressKey.fromText(set("k2", null, "k2", k2), "old")),
                            CLOCK, Duration.ofSeconds(5)), "retired-k2"));

            running = false;
            for (Thread t : clients) t.join();
            assertEquals(List.of(), List.copyOf(failures), "every request 200, every packet Sent");
            for (int i = 0; i < CLIENTS; i++) assertTrue(done.get(i) > 10, "client " + i + " kept posting");
            Await.until("every packet Sent has arrived at the remote", () -> received.containsAll(sent));
            assertEquals(sent.size(), sent.stream().filter(received::contains).count());
            remote.close();
            receiver.join();
        } finally {
            running = false;
            for (Sender s : everyTask) s.close();
        }
    }

    /** Step 2/5: ECS replaces each task by one that read the secret as it is now. */
    private void restartTasks(List<Sender> everyTask) throws Exception {
        for (Sender old : tasks) {
            Sender fresh = startTask(everyTask);
            List<Sender> next = new ArrayList<>(tasks);
            next.remove(old);
            next.add(fresh);
            tasks = List.copyOf(next);
            settle();
            old.close();
        }
    }

    /** Any task started mid-rotation (scaling) reads the secret as it is then. */
    private void scaleOut(List<Sender> everyTask) throws Exception {
        List<Sender> next = new ArrayList<>(tasks);
        next.add(startTask(everyTask));
        tasks = List.copyOf(next);
    }

    /** Step 4: the alias moves; the old version's environments stop getting invocations one by one. */
    private void publishVersion() throws Exception {
        for (int i = 0; i < CLIENTS; i++) {
            environments[i] = egressVersion();
            settle();
        }
    }

    /** An environment that reads the secret now (no snapshot, or a new one). */
    private void coldStart(int client) {
        environments[client] = egressVersion();
    }

    private HttpEgressTransport egressVersion() {
        return new HttpEgressTransport(EgressSigner.current(EgressKey.fromText(secret, "test secret")), CLOCK,
                Duration.ofSeconds(10));
    }

    private Sender startTask(List<Sender> everyTask) throws Exception {
        Sender s = Sender.builder(SenderConfig.builder().egressKeys(EgressKeySet.parse(secret))
                        .listener(ListenerConfig.udp("coap", "127.0.0.1", 0)).build())
                .egressPolicy(DefaultEgressPolicy.localMode())
                .metricsOut(new PrintStream(new ByteArrayOutputStream()))
                .start();
        everyTask.add(s);
        return s;
    }

    private void load(int client) {
        long seq = 0;
        while (running) {
            List<Sender> live = tasks;
            Sender target = live.get((int) ((seq + client) % live.size()));
            String batch = "c" + client + "-" + seq++;
            try {
                List<EgressPacket> packets = new ArrayList<>();
                for (int p = 0; p < PACKETS_PER_BATCH; p++) {
                    String id = batch + "-" + p;
                    packets.add(new EgressPacket(id, "127.0.0.1", remotePort, null, id.getBytes(StandardCharsets.UTF_8)));
                }
                EgressResponse r = environments[client].post("http://127.0.0.1:" + target.egressPort(),
                        new EgressRequest("coap", packets));
                for (EgressResult result : r.results()) {
                    if (result.outcome() != EgressOutcome.Sent) failures.add(batch + ": " + result);
                    else sent.add(result.id());
                }
            } catch (RuntimeException e) {
                failures.add(batch + ": " + e.getMessage());
            }
            done.incrementAndGet(client);
        }
    }

    /** Every client finished two requests begun after this call: none from before is in flight. */
    private void settle() throws InterruptedException {
        long[] from = new long[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) from[i] = done.get(i);
        for (int i = 0; i < CLIENTS; i++) {
            int client = i;
            // A failure ends the wait: it is reported at the end, with the step it came from.
            Await.until("client " + client + " finished two more requests",
                    () -> !failures.isEmpty() || done.get(client) >= from[client] + 2);
        }
    }

    private void postOnce(HttpEgressTransport t, String id) {
        t.post("http://127.0.0.1:" + tasks.get(0).egressPort(), new EgressRequest("coap",
                List.of(new EgressPacket(id, "127.0.0.1", remotePort, null, new byte[] {1}))));
    }

    private void receive(DatagramSocket remote) {
        byte[] buf = new byte[2048];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                remote.receive(p);
            } catch (SocketException closed) {
                return;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            received.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
        }
    }

    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private static String b64(byte[] k) {
        return Base64.getEncoder().encodeToString(k);
    }

    /** The secret's JSON: current, unkeyed (or null), then id/key pairs. */
    private static String set(String current, String unkeyed, Object... idsAndKeys) {
        StringBuilder b = new StringBuilder("{\"current\":\"").append(current).append('"');
        if (unkeyed != null) b.append(",\"unkeyed\":\"").append(unkeyed).append('"');
        for (int i = 0; i < idsAndKeys.length; i += 2) {
            b.append(",\"").append(idsAndKeys[i]).append("\":\"").append(b64((byte[]) idsAndKeys[i + 1])).append('"');
        }
        return b.append('}').toString();
    }
}
