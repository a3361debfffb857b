package com.proxylity.packetsource.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.sqs.Sqs;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import com.proxylity.packetsource.core.testing.Await;

/**
 * The whole local pipeline: the real SnsClient publishes to the local endpoint, the envelope
 * goes through ElasticMQ, the state machine definition over the real handlers and the real
 * sender, and datagrams arrive on a loopback socket from the Listener's own port.
 */
class LocalModeTest {
    static LocalMode local;
    static SnsClient sns;
    static DatagramSocket receiver;

    @BeforeAll
    static void start() throws Exception {
        String yaml = """
            regions: [us-east-1, eu-west-1]
            queues: {visibilityTimeoutSeconds: 1, maxReceiveCount: 2, batchSize: 10}
            listeners:
              - {name: udp1, protocol: udp}
            packetSources:
              - {topic: orders, listener: udp1, formatter: utf8}
              - {topic: paused, listener: udp1, enabled: false}
            extraTopics: [stranger]
            """;
        LocalConfig cfg = LocalConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        local = LocalMode.start(cfg, WireGuardPorts.NONE, null);
        sns = SnsClient.builder().endpointOverride(local.stack().snsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create()).build();
        receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        receiver.setSoTimeout(200);
    }

    @AfterAll
    static void stop() {
        receiver.close();
        sns.close();
        local.close();
    }

    static String body(String... payloads) {
        StringBuilder sb = new StringBuilder("{\"Messages\":[");
        for (int i = 0; i < payloads.length; i++) {
            if (i > 0) sb.append(',');
            sb.append("{\"Data\":\"").append(payloads[i]).append("\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":")
                    .append(receiver.getLocalPort()).append(",\"PeerKey\":null},\"Inner\":null}");
        }
        return sb.append("]}").toString();
    }

    static Map<String, MessageAttributeValue> region(String r) {
        return Map.of("EgressRegion", MessageAttributeValue.builder().dataType("String").stringValue(r).build());
    }

    static DatagramPacket receive() throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                receiver.receive(p);
                return p;
            } catch (SocketTimeoutException again) {
                // keep waiting
            }
        }
        throw new AssertionError("no datagram within 15 s");
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        Await.until("the awaited state", condition);
    }

    @Test
    void publishedPacketsArriveFromTheListenerPort() throws Exception {
        sns.publish(b -> b.topicArn(local.config().topicArn("orders")).message(body("hello", "world"))
                .messageAttributes(region("eu-west-1")));
        DatagramPacket a = receive();
        DatagramPacket b = receive();
        assertEquals("hello", new String(Arrays.copyOf(a.getData(), a.getLength()), StandardCharsets.UTF_8));
        assertEquals("world", new String(Arrays.copyOf(b.getData(), b.getLength()), StandardCharsets.UTF_8));
        assertEquals((int) local.sender().listenerPorts().get("udp1"), a.getPort());
        assertEquals("127.0.0.1", a.getAddress().getHostAddress());
    }

    @Test
    void publishBatchEntriesEachArrive() throws Exception {
        sns.publishBatch(b -> b.topicArn(local.config().topicArn("orders")).publishBatchRequestEntries(
                PublishBatchRequestEntry.builder().id("1").message(body("b1")).messageAttributes(region("us-east-1")).build(),
                PublishBatchRequestEntry.builder().id("2").message(body("b2")).messageAttributes(region("us-east-1")).build()));
        String first = text(receive());
        String second = text(receive());
        assertEquals(java.util.Set.of("b1", "b2"), java.util.Set.of(first, second));
    }

    @Test
    void withoutEgressRegionNothingIsSentAndItIsCountedFiltered() throws Exception {
        long filtered = local.stack().fanout().filtered();
        sns.publish(b -> b.topicArn(local.config().topicArn("orders")).message(body("never")));
        assertEquals(filtered + 1, local.stack().fanout().filtered());
    }

    @Test
    void unknownAndDisabledTopicsAreDiscardedWithTheirReasons() throws Exception {
        sns.publish(b -> b.topicArn(local.config().topicArn("stranger")).message(body("x")).messageAttributes(region("us-east-1")));
        sns.publish(b -> b.topicArn(local.config().topicArn("paused")).message(body("y")).messageAttributes(region("us-east-1")));
        await(() -> discarded("UnknownTopic") >= 1 && discarded("SourceDisabled") >= 1);
    }

    @Test
    void theSummaryJsonListsTheLatestDiscardsWithIdReasonAndDetail() throws Exception {
        String topic = local.config().topicArn("orders");
        String message = "{\"Messages\":[{\"Data\":\"secret-data\",\"Remote\":{\"Address\":\"device.example\",\"Port\":"
                + receiver.getLocalPort() + "}}]}";
        String snsId = sns.publish(b -> b.topicArn(topic).message(message).messageAttributes(region("us-east-1"))).messageId();
        await(() -> latestDiscard("MalformedRemote") != null);
        com.fasterxml.jackson.databind.JsonNode d = latestDiscard("MalformedRemote");
        assertTrue(d.get("Id").asText().matches("[^/]+/0"), d.toString());
        // The Id is the queue's; the publisher holds Publish's MessageId, so the discard names that too.
        assertEquals(snsId, d.get("SnsMessageId").asText(), d.toString());
        var entry = local.metrics().discards().latest().stream().filter(x -> x.id().equals(d.get("Id").asText())).findFirst().orElseThrow();
        assertTrue(Summary.discardLine(local, entry).startsWith("discarded " + entry.id() + " (SNS message " + snsId
                + ") MalformedRemote: "), Summary.discardLine(local, entry));
        assertEquals(topic, d.get("PacketSource").asText());
        assertTrue(!d.get("Detail").asText().isBlank() && !d.toString().contains("secret-data"), d.toString());
        assertTrue(Summary.json(local).get("latestDiscards").size() <= 20);
    }

    static com.fasterxml.jackson.databind.JsonNode latestDiscard(String reason) {
        com.fasterxml.jackson.databind.JsonNode found = null;
        for (com.fasterxml.jackson.databind.JsonNode d : Summary.json(local).get("latestDiscards")) {
            if (reason.equals(d.get("Reason").asText())) found = d;
        }
        return found;
    }

    /** As on AWS, a region's queues are on that region's SQS endpoint only; replay goes there. */
    @Test
    void eachRegionHasItsOwnSqsEndpointAndReplayFindsItsDlqThere() {
        com.fasterxml.jackson.databind.JsonNode banner = Banner.json(local);
        String us = banner.at("/regions/us-east-1/sqs").asText();
        String eu = banner.at("/regions/eu-west-1/sqs").asText();
        assertTrue(!us.isEmpty() && !eu.isEmpty() && !us.equals(eu), banner.toString());
        assertTrue(local.stack().queues().of("eu-west-1").arn().startsWith("arn:aws:sqs:eu-west-1:"));
        assertTrue(local.stack().queues().of("eu-west-1").dlqArn().startsWith("arn:aws:sqs:eu-west-1:"));
        assertEquals(0, new picocli.CommandLine(new com.proxylity.packetsource.local.cmd.ReplayCommand())
                .execute("--endpoint", eu, "--dlq-region", "eu-west-1"), "the empty eu-west-1 DLQ replays on its endpoint");
    }

    static long discarded(String reason) {
        return local.metrics().byDimension(PipelineMetrics.PACKETS_DISCARDED).getOrDefault(PipelineMetrics.REASON + "=" + reason, 0L);
    }

    static String text(DatagramPacket p) {
        return new String(Arrays.copyOf(p.getData(), p.getLength()), StandardCharsets.UTF_8);
    }
}
