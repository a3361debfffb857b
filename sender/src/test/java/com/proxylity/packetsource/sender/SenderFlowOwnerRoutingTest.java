package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.session.PlainUdpRouting;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import com.proxylity.packetsource.core.testing.Await;

/**
 * Two sender tasks of one plain UDP Listener on loopback, sharing one session directory (as two
 * Fargate tasks share the DynamoDB table). The client talks to task B only (the NLB hashed its
 * flow there); task B records the flow, the routing rule picks B, and the packet reaches the
 * client from the very address and port it talked to.
 */
class SenderFlowOwnerRoutingTest {
    private final InMemorySessionDirectory directory = new InMemorySessionDirectory();
    private Sender a;
    private Sender b;

    @AfterEach
    void tearDown() {
        if (a != null) a.close();
        if (b != null) b.close();
    }

    private Sender task(String id) throws Exception {
        return Sender.builder(SenderConfig.builder().senderId(id).listener(ListenerConfig.udp("coap", "127.0.0.1", 0))
                        .hmacKey(TestEgress.KEY).build())
                .sessionDirectory(directory).recordFlowOwners(true)
                .metricsOut(new PrintStream(OutputStream.nullOutputStream())).start();
    }

    @Test
    void aPacketLeavesFromTheTaskThatHoldsTheClientsFlow() throws Exception {
        a = task("task-a");
        b = task("task-b");
        Map<String, Sender> tasks = Map.of("task-a", a, "task-b", b);
        try (DatagramSocket device = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            device.setSoTimeout(3000);
            InetSocketAddress talkedTo = b.listenerAddress("coap");
            device.send(new DatagramPacket(new byte[] {1}, 1, talkedTo));

            String key = PlainUdpRouting.flowKey(device.getLocalAddress(), device.getLocalPort());
            Optional<SessionRecord> flow = Optional.of(Await.value("a task records the flow", () -> directory.get("coap", key)));
            assertEquals("task-b", flow.get().owner());
            assertEquals("127.0.0.1:" + device.getLocalPort(), flow.get().endpoint());

            String owner = PlainUdpRouting.owner(flow, Instant.now(), List.of("task-a", "task-b")).orElseThrow();
            assertEquals("task-b", owner);
            Sender chosen = tasks.get(owner);
            assertEquals(200, new TestEgress(chosen.egressUri()).post(TestEgress.plain("coap", "127.0.0.1",
                    device.getLocalPort(), List.of(new byte[] {42}))).statusCode());
            DatagramPacket got = new DatagramPacket(new byte[16], 16);
            device.receive(got);
            assertEquals(talkedTo, got.getSocketAddress(), "from the address and port the device talked to");
            assertEquals(42, got.getData()[0]);
            assertEquals(0, chosen.metrics("coap").sentOutsideFlowWindowTotal());
            assertTrue(directory.get("coap", key).map(r -> r.owner().equals("task-b")).orElse(false),
                    "task A never claimed the flow");
        }
    }
}
