package com.proxylity.packetsource.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.testing.Await;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.session.InMemoryTaskDirectory;
import com.proxylity.packetsource.core.session.PlainUdpRouting;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.functions.model.Batches;
import com.proxylity.packetsource.functions.model.EgressBatch;
import com.proxylity.packetsource.functions.model.EgressStateResult;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.sender.Sender;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two real sender tasks of one plain UDP Listener share a session and a task directory (as on
 * AWS they share the Sessions table). LookupSessions routes by the owner records and Egress posts
 * each batch to the owning task's own endpoint, never to the registry's SenderEndpoint: a
 * client's packet leaves from the task that holds its flow. Once that task stops, a packet is
 * held until the client sends again (the NLB then hashes its flow to the task still live, which
 * records it), and then goes to that task from Egress's wait.
 */
class OwnerRoutedEgressTest {
    private static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 9);
    }

    private final InMemorySessionDirectory sessions = new InMemorySessionDirectory();
    private final InMemoryTaskDirectory tasks = new InMemoryTaskDirectory();
    private Sender a;
    private Sender b;

    @AfterEach
    void tearDown() {
        if (a != null) a.close();
        if (b != null) b.close();
    }

    private Sender task(String id) throws Exception {
        return Sender.builder(SenderConfig.builder().senderId(id).listener(ListenerConfig.udp("coap", "127.0.0.1", 0))
                        .hmacKey(KEY).build())
                .sessionDirectory(sessions).taskDirectory(tasks).recordFlowOwners(true)
                .metricsOut(new PrintStream(OutputStream.nullOutputStream())).start();
    }

    @Test
    void eachBatchGoesToItsOwnersEndpointAndADeadOwnerIsNotUsed() throws Exception {
        a = task("task-a");
        b = task("task-b");
        // The registry's endpoint leads nowhere: owner routing must not use it.
        InMemoryRegistry registry = new InMemoryRegistry().put(new Listener("coap", ListenerType.UDP, 5683, List.of(),
                null, "http://127.0.0.1:9"));
        LookupSessions lookup = new LookupSessions(sessions, registry, Clock.systemUTC(), Environment.pipelineMetrics(), tasks);
        Egress egress = new Egress(new HttpEgressTransport(KEY, Clock.systemUTC(), Duration.ofSeconds(5)),
                Clock.systemUTC(), Environment.pipelineMetrics(), new HandoverWait(sessions, tasks, Clock.systemUTC()));
        try (DatagramSocket device = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            device.setSoTimeout(3000);
            device.send(new DatagramPacket(new byte[] {1}, 1, b.listenerAddress("coap")));
            String key = PlainUdpRouting.flowKey(device.getLocalAddress(), device.getLocalPort());
            Await.until("task B recorded the device's flow", () -> !sessions.get("coap", key).isEmpty());

            Batches routed = lookup.handle(state("m1", device.getLocalPort()));
            assertEquals(1, routed.batches().size());
            EgressBatch batch = routed.batches().get(0);
            assertEquals("task-b", batch.owner());
            assertTrue(b.egressUri().toString().startsWith(batch.endpoint()), "task B's own endpoint");
            EgressStateResult sent = egress.handle(batch);
            assertEquals(List.of("m1/0"), sent.sent());
            assertEquals(b.listenerAddress("coap"), receive(device).getSocketAddress(), "from the task holding the flow");

            b.close();
            b = null;
            Batches orphaned = lookup.handle(state("m2", device.getLocalPort()));
            assertTrue(orphaned.discards().isEmpty(), "its task has just left: held for the flow's next owner, not lost");
            assertEquals(1, orphaned.batches().size());
            EgressBatch held = orphaned.batches().get(0);
            assertTrue(held.held());
            assertEquals(null, held.endpoint(), "no task holds a flow from the client yet: nothing to post to");

            // The client's next datagram is the NLB's new flow, hashed to the task still live; the
            // held batch goes there as soon as that task has recorded the flow.
            device.send(new DatagramPacket(new byte[] {2}, 1, a.listenerAddress("coap")));
            EgressStateResult moved = egress.handle(held);
            assertEquals(List.of("m2/0"), moved.sent());
            assertTrue(moved.failed().isEmpty());
            assertEquals(a.listenerAddress("coap"), receive(device).getSocketAddress(), "from the task holding the flow now");

            Batches after = lookup.handle(state("m3", device.getLocalPort()));
            assertEquals("task-a", after.batches().get(0).owner(), "the stopped task is gone from routing at once");
            assertEquals(List.of("m3/0"), egress.handle(after.batches().get(0)).sent());
            assertEquals(a.listenerAddress("coap"), receive(device).getSocketAddress());
        }
    }

    private static PacketsState state(String message, int port) {
        return new PacketsState(List.of(new ReadyPacket(message + "/0", "coap", ListenerType.UDP, "127.0.0.1", port,
                null, new byte[] {42})), List.of(), Map.of());
    }

    private static DatagramPacket receive(DatagramSocket device) throws Exception {
        DatagramPacket got = new DatagramPacket(new byte[16], 16);
        device.receive(got);
        return got;
    }
}
