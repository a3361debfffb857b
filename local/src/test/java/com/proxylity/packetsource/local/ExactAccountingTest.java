package com.proxylity.packetsource.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.stepfunctions.LocalMetrics;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import com.proxylity.packetsource.local.sqs.Sqs;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import com.proxylity.packetsource.core.testing.Await;
import java.time.Duration;

/**
 * Issue 9, "an exact-accounting test": a known mix of good and bad entries, and messages the
 * subscription filter drops, through the whole local stack (local SNS, ElasticMQ, the state
 * machine over the real handlers, the real sender, a loopback receiver). Every published entry
 * is accounted for exactly once: delivered (and then received, by content, exactly once) +
 * discarded by reason + filtered; the handlers' metrics say the same; the DLQ stays empty.
 * The second test makes the first attempt fail (sender down, so Egress fails, SQS redelivers):
 * the retried records must not be counted as received or discarded twice.
 */
class ExactAccountingTest {
    private static final String YAML = """
        regions: [us-east-1]
        queues: {visibilityTimeoutSeconds: 1, maxReceiveCount: 5, batchSize: 10}
        listeners: [{name: udp1, protocol: udp}]
        packetSources:
          - {topic: orders, listener: udp1, formatter: utf8}
          - {topic: paused, listener: udp1, enabled: false}
        """;

    /** What was published and what each entry must end as. */
    private static final class Ledger {
        final List<String> delivered = new ArrayList<>();
        final Map<String, Long> discarded = new TreeMap<>();
        long filteredEntries;
        long filteredMessages;
        long publishedEntries;
        long messagesQueued;

        void discard(String reason, long n) {
            discarded.merge(reason, n, Long::sum);
        }

        long discardedTotal() {
            return discarded.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Test
    void everyPublishedEntryIsDeliveredDiscardedOrFilteredExactlyOnce() throws Exception {
        run(false);
    }

    @Test
    void aRetriedRecordIsCountedOnce() throws Exception {
        run(true);
    }

    private static void run(boolean senderDownAtFirst) throws Exception {
        LocalConfig cfg = LocalConfig.load(new ByteArrayInputStream(YAML.getBytes(StandardCharsets.UTF_8)));
        try (LocalMode local = LocalMode.start(cfg, WireGuardPorts.NONE, null);
             DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             SnsClient sns = SnsClient.builder().endpointOverride(local.stack().snsEndpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
            if (senderDownAtFirst) local.sender().stop();
            Ledger expect = publishMix(sns, cfg, receiver.getLocalPort(), senderDownAtFirst ? "retry" : "once");

            DeliveryQueues.Pair q = local.stack().queues().of("us-east-1");
            if (senderDownAtFirst) {
                // Both records with packets fail at least once (Egress cannot reach the sender),
                // then the sender comes back and SQS redelivers them.
                await(() -> local.stack().runnerStats().failed.get() >= 2);
                local.sender().start();
            }
            List<String> received = receive(receiver, expect.delivered.size());
            await(() -> local.stack().queues().depth(q.url()) == 0);
            // Nothing more arrives: each delivered entry exactly once.
            receiver.setSoTimeout(1_000);
            assertThrows(SocketTimeoutException.class, () -> receiver.receive(new DatagramPacket(new byte[64], 64)),
                    "a datagram beyond the delivered entries arrived");

            assertEquals(sorted(expect.delivered), sorted(received), "the receiver gets exactly the delivered entries");
            assertEquals(expect.publishedEntries, expect.delivered.size() + expect.discardedTotal() + expect.filteredEntries,
                    "the ledger itself adds up");
            LocalMetrics m = local.metrics();
            assertEquals(expect.delivered.size(), m.total(PipelineMetrics.PACKETS_DELIVERED), "PacketsDelivered");
            assertEquals(expect.discarded, discardedByReason(m), "PacketsDiscarded by Reason");
            assertEquals(expect.delivered.size() + expect.discardedTotal(), m.total(PipelineMetrics.PACKETS_RECEIVED),
                    "PacketsReceived = delivered + discarded");
            assertEquals(expect.messagesQueued, m.total(PipelineMetrics.MESSAGES_RECEIVED), "MessagesReceived");
            assertEquals(expect.filteredMessages, local.stack().fanout().filtered(), "filtered messages");
            assertEquals(0, local.stack().queues().dlqDepth(), "nothing in the DLQ");
            if (senderDownAtFirst) assertTrue(m.total(PipelineMetrics.EGRESS_FAILURES) >= 1, "the first attempt did fail");
        }
    }

    private static Ledger publishMix(SnsClient sns, LocalConfig cfg, int port, String tag) {
        Ledger l = new Ledger();
        String orders = cfg.topicArn("orders");
        String to = "\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":" + port + ",\"PeerKey\":null}";
        // 3 delivered, and one each of EgressDenied, DecodeError, MalformedRemote, BadFormatter.
        publish(sns, orders, "us-east-1", "{\"Messages\":["
                + "{\"Data\":\"" + tag + "-a1\"," + to + "},"
                + "{\"Data\":\"denied\",\"Remote\":{\"Address\":\"10.0.0.1\",\"Port\":9,\"PeerKey\":null}},"
                + "{\"Data\":\"" + tag + "-a2\"," + to + "},"
                + "{\"Data\":\"zz\",\"Formatter\":\"hex\"," + to + "},"
                + "{\"Data\":\"x\",\"Remote\":{\"Address\":\"1.2.3\",\"Port\":9,\"PeerKey\":null}},"
                + "{\"Data\":\"x\",\"Formatter\":\"rot13\"," + to + "},"
                + "{\"Data\":\"" + tag + "-a3\"," + to + "}]}");
        l.delivered.addAll(List.of(tag + "-a1", tag + "-a2", tag + "-a3"));
        l.discard("EgressDenied", 1);
        l.discard("DecodeError", 1);
        l.discard("MalformedRemote", 1);
        l.discard("BadFormatter", 1);
        l.publishedEntries += 7;
        // 2 delivered.
        publish(sns, orders, "us-east-1", "{\"Messages\":[{\"Data\":\"" + tag + "-b1\"," + to + "},{\"Data\":\""
                + tag + "-b2\"," + to + "}]}");
        l.delivered.addAll(List.of(tag + "-b1", tag + "-b2"));
        l.publishedEntries += 2;
        // A body that is not a message: one MalformedMessage for the whole message.
        publish(sns, orders, "us-east-1", "not json");
        l.discard("MalformedMessage", 1);
        l.publishedEntries += 1;
        // A disabled source: one SourceDisabled for its message of 2 entries.
        publish(sns, cfg.topicArn("paused"), "us-east-1", "{\"Messages\":[{\"Data\":\"p1\"," + to + "},{\"Data\":\"p2\"," + to + "}]}");
        l.discard("SourceDisabled", 1);
        l.publishedEntries += 1;
        l.messagesQueued = 4;
        // Filtered by the subscription: a region no queue serves, and no EgressRegion at all.
        publish(sns, orders, "ap-south-9", "{\"Messages\":[{\"Data\":\"f1\"," + to + "},{\"Data\":\"f2\"," + to + "}]}");
        publish(sns, orders, null, "{\"Messages\":[{\"Data\":\"f3\"," + to + "}]}");
        l.filteredEntries = 3;
        l.filteredMessages = 2;
        l.publishedEntries += 3;
        return l;
    }

    private static void publish(SnsClient sns, String topicArn, String region, String body) {
        sns.publish(b -> {
            b.topicArn(topicArn).message(body);
            if (region != null) {
                b.messageAttributes(Map.of("EgressRegion",
                        MessageAttributeValue.builder().dataType("String").stringValue(region).build()));
            }
        });
    }

    private static List<String> receive(DatagramSocket receiver, int n) throws Exception {
        List<String> out = new ArrayList<>();
        receiver.setSoTimeout(200);
        long deadline = System.currentTimeMillis() + 60_000;
        while (out.size() < n && System.currentTimeMillis() < deadline) {
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            try {
                receiver.receive(p);
                out.add(new String(Arrays.copyOf(p.getData(), p.getLength()), StandardCharsets.UTF_8));
            } catch (SocketTimeoutException again) {
                // keep waiting
            }
        }
        return out;
    }

    private static Map<String, Long> discardedByReason(LocalMetrics m) {
        Map<String, Long> out = new TreeMap<>();
        m.byDimension(PipelineMetrics.PACKETS_DISCARDED).forEach((k, v) -> out.put(k.substring(k.indexOf('=') + 1), v));
        return out;
    }

    private static List<String> sorted(List<String> in) {
        List<String> out = new ArrayList<>(in);
        out.sort(null);
        return out;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Await.until("the awaited state", Duration.ofSeconds(60), condition);
    }
}
