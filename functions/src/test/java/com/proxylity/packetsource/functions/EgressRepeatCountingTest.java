package com.proxylity.packetsource.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.model.EgressBatch;
import com.proxylity.packetsource.functions.model.EgressStateResult;
import com.proxylity.packetsource.functions.model.ItemIdentifier;
import com.proxylity.packetsource.functions.state.StateJson;
import com.proxylity.packetsource.sender.Sender;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole Egress handler against the real sender: a batch a later execution sends again (its
 * records were redelivered after the first execution's Egress had counted them) is answered from
 * the sender's memory, leaves no second datagram, and adds nothing to PacketsDelivered.
 */
class EgressRepeatCountingTest {
    @Test
    void aBatchAnotherExecutionSendsAgainIsNeitherSentNorCountedTwice() throws Exception {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 5);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (DatagramSocket remote = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Sender sender = Sender.builder(SenderConfig.builder().hmacKey(key)
                             .listener(ListenerConfig.udp("coap", "127.0.0.1", 0)).build())
                     .egressPolicy(DefaultEgressPolicy.localMode())
                     .metricsOut(new PrintStream(new ByteArrayOutputStream()))
                     .start()) {
            remote.setSoTimeout(5000);
            Clock clock = Clock.systemUTC();
            List<String> firstRun;
            List<String> secondRun;
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                PipelineMetrics metrics = Environment.pipelineMetrics();
                Egress egress = new Egress(new HttpEgressTransport(key, clock, Duration.ofSeconds(5)), clock, metrics);
                String endpoint = sender.egressUri().toString();
                List<ReadyPacket> packets = List.of(packet("m1/0", "a", remote), packet("m1/1", "b", remote),
                        packet("m2/0", "c", remote));
                EgressStateResult first = egress.handle(batch(endpoint, packets, "run-1"));
                firstRun = receive(remote, 3);
                EgressStateResult again = egress.handle(batch(endpoint, packets, "run-2"));
                assertEquals(first.sent(), again.sent(), "the same outcomes, from the sender's memory");
                egress.handle(batch(endpoint, List.of(packet("end/0", "end", remote)), "run-2"));
                secondRun = receive(remote, 1);
            } finally {
                System.setOut(original);
            }
            assertEquals(List.of("a", "b", "c"), firstRun);
            assertEquals(List.of("end"), secondRun, "nothing was sent again before the marker");
            assertEquals(3 + 1, delivered(captured), "PacketsDelivered counts the first answer and the marker only");
            assertEquals(3, sender.metrics("coap").repeatsSuppressedTotal());
        }
    }

    private static ReadyPacket packet(String id, String payload, DatagramSocket to) {
        return new ReadyPacket(id, "coap", ListenerType.UDP, "127.0.0.1", to.getLocalPort(), null,
                payload.getBytes(StandardCharsets.UTF_8));
    }

    private static EgressBatch batch(String endpoint, List<ReadyPacket> packets, String run) {
        List<ItemIdentifier> records = packets.stream().map(p -> p.id().substring(0, p.id().indexOf('/'))).distinct()
                .map(ItemIdentifier::new).toList();
        return new EgressBatch("coap", endpoint, null, packets, records, Map.of(), run);
    }

    private static List<String> receive(DatagramSocket s, int n) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            DatagramPacket p = new DatagramPacket(new byte[512], 512);
            s.receive(p);
            out.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static double delivered(ByteArrayOutputStream captured) throws Exception {
        double sum = 0;
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.contains("\"_aws\"")) continue;
            JsonNode emf = StateJson.MAPPER.readTree(line);
            if (emf.has(PipelineMetrics.PACKETS_DELIVERED)) sum += emf.get(PipelineMetrics.PACKETS_DELIVERED).asDouble();
        }
        return sum;
    }
}
