package com.proxylity.packetsource.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.session.PlainUdpRouting;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.sqs.Sqs;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import com.proxylity.packetsource.core.testing.Await;

/**
 * Local mode with two sender tasks on one Listener port: the kernel hashes each client's flow to
 * one task, that task records the flow, and a published packet goes to it and arrives from the
 * Listener's address. A task stopped through the task control loses its flows: a packet for its
 * client waits (core Handover) until the client sends again and the other task takes the flow,
 * then leaves from there; it is never sent from an address the client did not send to.
 */
class SeveralSenderTasksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void eachClientIsServedByTheTaskHoldingItsFlowAndAStoppedTasksClientsPacketsWaitUntilTheySendAgain() throws Exception {
        String yaml = """
            regions: [us-east-1]
            senderTasks: 2
            queues: {visibilityTimeoutSeconds: 1, maxReceiveCount: 2, batchSize: 10}
            listeners: [{name: udp1, protocol: udp}]
            packetSources: [{topic: orders, listener: udp1, formatter: utf8}]
            """;
        LocalConfig cfg = LocalConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        List<DatagramSocket> clients = new ArrayList<>();
        try (LocalMode local = LocalMode.start(cfg, WireGuardPorts.NONE, null);
             SnsClient sns = SnsClient.builder().endpointOverride(local.stack().snsEndpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
            assertEquals(List.of("local-sender-1", "local-sender-2"), local.tasks().stream().map(LocalSender::taskId).toList());
            int port = local.sender().listenerPorts().get("udp1");
            assertEquals(port, (int) local.tasks().get(1).listenerPorts().get("udp1"), "one Listener port for both tasks");
            InetSocketAddress listener = new InetSocketAddress("127.0.0.1", port);

            // Clients until the kernel's flow hash has given each task one (bounded: 2^-63 to miss).
            Map<String, DatagramSocket> byOwner = new LinkedHashMap<>();
            for (int i = 0; i < 64 && byOwner.size() < 2; i++) {
                DatagramSocket c = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                c.setSoTimeout(15_000);
                clients.add(c);
                byOwner.putIfAbsent(hello(local, c, listener).owner(), c);
            }
            assertEquals(2, byOwner.size(), "flows on both tasks: " + byOwner.keySet());
            DatagramSocket first = byOwner.get("local-sender-1");
            DatagramSocket second = byOwner.get("local-sender-2");

            publish(sns, cfg, "to the first", first);
            publish(sns, cfg, "to the second", second);
            assertArrival(first, "to the first", port);
            assertArrival(second, "to the second", port);

            URI control = local.taskControl().orElseThrow();
            assertEquals(200, post(control.resolve("/tasks/local-sender-2/stop")));
            // Nobody holds the client's flow now: the packet is held (core Handover), not sent from
            // the wrong address, until the client's next datagram reaches the task still up.
            publish(sns, cfg, "held for the next owner", second);
            assertEquals("local-sender-1", hello(local, second, listener).owner());
            assertArrival(second, "held for the next owner", port);
            publish(sns, cfg, "still served", first);
            assertArrival(first, "still served", port);
            publish(sns, cfg, "back", second);
            assertArrival(second, "back", port);
            assertEquals(0, noFlow(local), "nothing lost, nothing delivered from another address");

            assertEquals(200, post(control.resolve("/tasks/local-sender-2/start")));
            JsonNode tasks = JSON.readTree(HTTP.send(HttpRequest.newBuilder(control.resolve("/tasks")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertTrue(tasks.get(1).get("running").asBoolean(), tasks.toString());
        } finally {
            clients.forEach(DatagramSocket::close);
        }
    }

    /** The client sends one datagram to the Listener; returns the flow record of the task that heard it. */
    private static SessionRecord hello(LocalMode local, DatagramSocket client, InetSocketAddress listener) throws Exception {
        String key = PlainUdpRouting.flowKey(client.getLocalAddress(), client.getLocalPort());
        Optional<SessionRecord> before = local.sessions().get("udp1", key);
        client.send(new DatagramPacket(new byte[] {1}, 1, listener));
        return Await.value("a task records the flow of " + key,
                () -> local.sessions().get("udp1", key).filter(r -> !Optional.of(r).equals(before)));
    }

    private static void publish(SnsClient sns, LocalConfig cfg, String data, DatagramSocket to) {
        String body = "{\"Messages\":[{\"Data\":\"" + data + "\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":"
                + to.getLocalPort() + ",\"PeerKey\":null},\"Inner\":null}]}";
        sns.publish(b -> b.topicArn(cfg.topicArn("orders")).message(body).messageAttributes(Map.of(
                "EgressRegion", MessageAttributeValue.builder().dataType("String").stringValue("us-east-1").build())));
    }

    private static void assertArrival(DatagramSocket client, String data, int listenerPort) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
        client.receive(p);
        assertArrayEquals(data.getBytes(StandardCharsets.UTF_8), Arrays.copyOf(p.getData(), p.getLength()));
        assertEquals(listenerPort, p.getPort(), "from the Listener's port");
    }

    private static long noFlow(LocalMode local) {
        return local.metrics().byDimension(PipelineMetrics.PACKETS_DISCARDED)
                .getOrDefault(PipelineMetrics.REASON + "=NoFlow", 0L);
    }

    private static int post(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
