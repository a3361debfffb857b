package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import com.proxylity.packetsource.sender.metrics.EmfWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import com.proxylity.packetsource.core.testing.Await;

/**
 * On loopback: a packet to a remote that sent to the Listener is inside the NLB's flow window; a
 * packet to a remote that never did is counted as SentOutsideFlowWindow, with the Listener as
 * EMF dimension. (The NLB itself is AWS's; here only the sender's count is observable.)
 */
class SenderFlowWindowTest {
    private Sender sender;
    private final ByteArrayOutputStream metricsOut = new ByteArrayOutputStream();

    @AfterEach
    void tearDown() {
        if (sender != null) sender.close();
    }

    @Test
    void packetsToRemotesNotHeardFromAreCountedPerListener() throws Exception {
        sender = Sender.builder(SenderConfig.builder().listener(ListenerConfig.udp("coap", "127.0.0.1", 0))
                        .hmacKey(TestEgress.KEY).build())
                .metricsOut(new PrintStream(metricsOut, true, StandardCharsets.UTF_8)).start();
        TestEgress client = new TestEgress(sender.egressUri());
        InetSocketAddress listener = sender.listenerAddress("coap");
        try (DatagramSocket talker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            talker.setSoTimeout(3000);
            silent.setSoTimeout(3000);
            // The client speaks first, as a device behind NAT does: its flow is live.
            talker.send(new DatagramPacket(new byte[] {1}, 1, listener));
            Await.until("the Listener hears the talker", () -> sender.metrics("coap").inboundDroppedTotal() >= 1);
            assertEquals(1, sender.metrics("coap").inboundDroppedTotal(), "the Listener heard the talker");

            assertEquals(200, client.post(TestEgress.plain("coap", "127.0.0.1", talker.getLocalPort(),
                    List.of(new byte[] {2}))).statusCode());
            talker.receive(new DatagramPacket(new byte[16], 16));
            assertEquals(0, sender.metrics("coap").sentOutsideFlowWindowTotal(), "the talker's flow is live");

            assertEquals(200, client.post(TestEgress.plain("coap", "127.0.0.1", silent.getLocalPort(),
                    List.of(new byte[] {3}, new byte[] {4}))).statusCode());
            silent.receive(new DatagramPacket(new byte[16], 16));
            silent.receive(new DatagramPacket(new byte[16], 16));
            assertEquals(2, sender.metrics("coap").sentOutsideFlowWindowTotal(),
                    "the silent remote never sent: on AWS these would have no flow to leave through");
        }
        sender.close();
        sender = null;
        JsonNode line = null;
        for (String l : metricsOut.toString(StandardCharsets.UTF_8).split("\n")) {
            if (l.contains(EmfWriter.SENT_OUTSIDE_FLOW_WINDOW)) line = new ObjectMapper().readTree(l);
        }
        assertTrue(line != null, "an EMF line carries the metric: " + metricsOut);
        assertEquals(2, line.get(EmfWriter.SENT_OUTSIDE_FLOW_WINDOW).asInt());
        assertEquals("coap", line.get("Listener").asText());
        JsonNode dims = line.at("/_aws/CloudWatchMetrics/0/Dimensions/0");
        assertEquals("[\"Service\",\"Listener\"]", dims.toString());
    }
}
