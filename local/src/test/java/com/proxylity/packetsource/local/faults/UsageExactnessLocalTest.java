package com.proxylity.packetsource.local.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.registry.ApiKeys;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.testing.Await;
import com.proxylity.packetsource.core.usage.UsageRecord;
import com.proxylity.packetsource.core.usage.UsageSource;
import com.proxylity.packetsource.local.LocalMode;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import com.proxylity.packetsource.local.cmd.ReplayCommand;
import com.proxylity.packetsource.local.cmd.UsageCommand;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import com.proxylity.packetsource.local.sqs.Sqs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Issue 25 on the whole local stack: two customers publish a known number of packets while the
 * sender refuses one customer's batch for a whole execution (a partial batch failure: the other
 * customer's batch of the same execution is delivered, the refused records come back from SQS)
 * and loses one answer after sending (Egress retries). The usage the operator reads with
 * {@code packet-source usage --local} equals, per customer, what the receiver counted and what
 * was published, and each discard once. A DLQ replay after an outage that outlasted every
 * receive is billed as the billing rule says.
 */
class UsageExactnessLocalTest {
    private static final String YAML = """
        regions: [us-east-1]
        queues: {visibilityTimeoutSeconds: 1, maxReceiveCount: 5, batchSize: 10}
        listeners:
          - {name: acme-udp, protocol: udp, owner: acme}
          - {name: beta-udp, protocol: udp, owner: beta}
        packetSources:
          - {topic: acme-orders, listener: acme-udp, formatter: utf8, customer: acme}
          - {topic: beta-orders, listener: beta-udp, formatter: utf8, customer: beta}
        customers:
          - {id: acme, apiKeySha256: "%s", externalId: psx-acme-1, accounts: ["000000000000"]}
          - {id: beta, apiKeySha256: "%s", externalId: psx-beta-1, accounts: ["000000000000"]}
        """.formatted(ApiKeys.sha256("acme.k1"), ApiKeys.sha256("beta.k1"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theUsageTheOperatorReadsIsWhatTheReceiverCountedUnderASenderOutageAndAPartialBatchFailure() throws Exception {
        LocalConfig cfg = LocalConfig.load(new ByteArrayInputStream(YAML.getBytes(StandardCharsets.UTF_8)));
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        List<String> published = new ArrayList<>();
        String out;
        Instant start = Instant.now();
        try (LocalMode local = LocalMode.start(cfg, WireGuardPorts.NONE, new PrintStream(new ByteArrayOutputStream()));
             DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             FaultyEgressProxy proxy = new FaultyEgressProxy(local.sender().endpoint());
             SnsClient sns = SnsClient.builder().endpointOverride(local.stack().snsEndpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
            for (String name : List.of("acme-udp", "beta-udp")) {
                Listener l = local.registry().listener(name).orElseThrow();
                local.registry().put(new Listener(l.name(), l.type(), l.port(), l.publicAddresses(), l.publicKey(),
                        proxy.endpoint(), l.families(), l.owner()));
            }
            Thread counter = new Thread(() -> count(receiver, received), "receiver");
            counter.setDaemon(true);
            counter.start();
            DeliveryQueues.Pair q = local.stack().queues().of("us-east-1");
            int port = receiver.getLocalPort();
            String acme = cfg.topicArn("acme-orders");
            String beta = cfg.topicArn("beta-orders");

            // A sender outage for beta's batch over a whole execution, beside acme's delivered batch.
            proxy.inject("b1-", FaultyEgressProxy.Fault.REFUSE_ONE_EXECUTION);
            published.addAll(publish(sns, acme, port, "a1-", 30, 1));
            published.addAll(publish(sns, beta, port, "b1-", 20, 0));
            awaitDelivered(local, q, received, published);
            // The sender sent and its answer was lost: Egress's retry is answered from memory.
            proxy.inject("a2-", FaultyEgressProxy.Fault.FORWARD_THEN_503);
            published.addAll(publish(sns, acme, port, "a2-", 7, 0));
            awaitDelivered(local, q, received, published);
            assertEquals(0, local.stack().queues().dlqDepth());

            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            int rc = new CommandLine(new UsageCommand(new PrintStream(printed, true, StandardCharsets.UTF_8))).execute(
                    "--local", local.customersEndpoint().toString(), "--format", "json",
                    "--from", start.atZone(ZoneOffset.UTC).toLocalDate().toString(),
                    "--to", start.plus(Duration.ofDays(2)).atZone(ZoneOffset.UTC).toLocalDate().toString());
            assertEquals(0, rc);
            out = printed.toString(StandardCharsets.UTF_8);
        }
        Map<String, Integer> copies = new ConcurrentHashMap<>();
        received.forEach((k, v) -> { if (v.get() != 1) copies.put(k, v.get()); });
        assertEquals(Map.of(), copies, "payloads that arrived more than once");
        assertEquals(new java.util.TreeSet<>(published), new java.util.TreeSet<>(received.keySet()));

        Map<String, long[]> byCustomer = new ConcurrentHashMap<>();
        Map<String, Long> discards = new ConcurrentHashMap<>();
        for (JsonNode r : JSON.readTree(out)) {
            long[] t = byCustomer.computeIfAbsent(r.get("customerId").asText(), k -> new long[3]);
            t[0] += r.get("messagesReceived").asLong();
            t[1] += r.get("packetsDelivered").asLong();
            t[2] += r.get("bytesDelivered").asLong();
            r.get("packetsDiscarded").fields().forEachRemaining(e ->
                    discards.merge(r.get("customerId").asText() + ":" + e.getKey(), e.getValue().asLong(), Long::sum));
            assertEquals(UsageSource.sourceIdOf(r.get("topicArn").asText()), r.get("sourceId").asText());
        }
        assertEquals(List.of(2L, received("a", received), bytes("a", received)), List.of(byCustomer.get("acme")[0],
                byCustomer.get("acme")[1], byCustomer.get("acme")[2]), "acme: messages, delivered, bytes");
        assertEquals(List.of(1L, received("b", received), bytes("b", received)), List.of(byCustomer.get("beta")[0],
                byCustomer.get("beta")[1], byCustomer.get("beta")[2]), "beta: messages, delivered, bytes");
        assertEquals(30 + 7, received("a", received));
        assertEquals(20, received("b", received));
        assertEquals(Map.of("acme:DecodeError", 1L), discards, "the one bad entry, once, though nothing else was retried");
        assertTrue(byCustomer.keySet().equals(java.util.Set.of("acme", "beta")), byCustomer.keySet().toString());
    }

    /**
     * A DLQ replay is a new pass of the message (usage.md, "Billing rule per retry path"): its
     * message and its early discards are counted again, its packets, never sent before, once.
     */
    @Test
    void aReplayFromTheDlqBillsItsPacketsOnceAndCountsItsMessageAgain() throws Exception {
        LocalConfig cfg = LocalConfig.load(new ByteArrayInputStream(YAML.replace("maxReceiveCount: 5", "maxReceiveCount: 2")
                .getBytes(StandardCharsets.UTF_8)));
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        List<UsageRecord> usage;
        List<String> published;
        try (LocalMode local = LocalMode.start(cfg, WireGuardPorts.NONE, new PrintStream(new ByteArrayOutputStream()));
             DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             SnsClient sns = SnsClient.builder().endpointOverride(local.stack().snsEndpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
            Thread counter = new Thread(() -> count(receiver, received), "receiver");
            counter.setDaemon(true);
            counter.start();
            DeliveryQueues.Pair q = local.stack().queues().of("us-east-1");
            local.sender().stop();
            published = publish(sns, cfg.topicArn("acme-orders"), receiver.getLocalPort(), "r1-", 12, 1);
            Await.until("the record is in the DLQ", Duration.ofSeconds(90), () -> local.stack().queues().depth(q.dlqUrl()) > 0);
            local.sender().start();
            int rc = new CommandLine(new ReplayCommand()).execute("--endpoint", local.stack().sqsEndpoint("us-east-1").toString(),
                    "--dlq", DeliveryQueues.dlqName("us-east-1"));
            assertEquals(0, rc);
            awaitDelivered(local, q, received, published);
            assertEquals(0, local.stack().queues().depth(q.dlqUrl()));
            usage = local.usage("us-east-1").query("acme", 0, Long.MAX_VALUE / 2);
        }
        assertEquals(12, received("r1-", received));
        assertEquals(1, usage.size());
        UsageRecord r = usage.get(0);
        assertEquals(List.of(2L, 12L, bytes("r1-", received), Map.of("DecodeError", 2L)),
                List.of(r.messages(), r.delivered(), r.bytes(), r.discarded()), "messages, delivered, bytes, discards");
    }

    private static long received(String prefix, Map<String, AtomicInteger> received) {
        return received.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().get()).sum();
    }

    private static long bytes(String prefix, Map<String, AtomicInteger> received) {
        return received.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> (long) e.getKey().getBytes(StandardCharsets.UTF_8).length * e.getValue().get()).sum();
    }

    /** One message of {@code entries} unique payloads and {@code bad} entries that cannot be decoded. */
    private static List<String> publish(SnsClient sns, String topic, int port, String tag, int entries, int bad) {
        List<String> payloads = new ArrayList<>();
        StringBuilder body = new StringBuilder("{\"Messages\":[");
        for (int i = 0; i < entries + bad; i++) {
            if (i > 0) body.append(',');
            String remote = ",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":" + port + ",\"PeerKey\":null}}";
            if (i >= entries) {
                body.append("{\"Data\":\"zz\",\"Formatter\":\"hex\"").append(remote);
                continue;
            }
            String payload = tag + String.format("%02d", i);
            payloads.add(payload);
            body.append("{\"Data\":\"").append(payload).append('"').append(remote);
        }
        body.append("]}");
        sns.publish(b -> b.topicArn(topic).message(body.toString()).messageAttributes(Map.of("EgressRegion",
                MessageAttributeValue.builder().dataType("String").stringValue("us-east-1").build())));
        return payloads;
    }

    private static void count(DatagramSocket receiver, Map<String, AtomicInteger> received) {
        PayloadCounter.count(receiver, received, new AtomicInteger());
    }

    private static void awaitDelivered(LocalMode local, DeliveryQueues.Pair q, Map<String, AtomicInteger> received,
                                       List<String> published) throws Exception {
        Await.until("every payload delivered and the queue empty", Duration.ofSeconds(90),
                () -> received.keySet().containsAll(published) && local.stack().queues().depth(q.url()) == 0);
    }
}
