package com.proxylity.packetsource.local.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.local.LocalMode;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import com.proxylity.packetsource.local.sqs.Sqs;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.time.Duration;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Issue 26: the faults between Egress and the sender, injected on the whole local stack (local SNS,
 * ElasticMQ, the state machine over the real handlers, the real sender, a real UDP receiver) by a
 * proxy in front of the sender's egress API. Each payload is unique; the receiver counts every
 * datagram. Whatever the fault: every payload arrives exactly once, the pipeline's
 * PacketsDelivered and the sender's own Sent both equal the receiver's count, and the sender's
 * RepeatsSuppressed counts exactly the packets it was asked for again.
 */
class EffectivelyOnceFaultsTest {
    private static final String YAML = """
        regions: [us-east-1]
        queues: {visibilityTimeoutSeconds: 1, maxReceiveCount: 5, batchSize: 10}
        listeners: [{name: udp1, protocol: udp}]
        packetSources:
          - {topic: orders, listener: udp1, formatter: utf8}
        """;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void noFaultBetweenEgressAndTheSenderLosesOrDuplicatesAPacketAndTheMetricsSayWhatLeft() throws Exception {
        LocalConfig cfg = LocalConfig.load(new ByteArrayInputStream(YAML.getBytes(StandardCharsets.UTF_8)));
        ByteArrayOutputStream senderEmf = new ByteArrayOutputStream();
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        List<String> published = new ArrayList<>();
        List<FaultyEgressProxy.Seen> seen;
        long delivered;
        long packetsReceived;
        long dlq;
        try (LocalMode local = LocalMode.start(cfg, WireGuardPorts.NONE, new PrintStream(senderEmf, true, StandardCharsets.UTF_8));
             DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             FaultyEgressProxy proxy = new FaultyEgressProxy(local.sender().endpoint());
             SnsClient sns = SnsClient.builder().endpointOverride(local.stack().snsEndpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
            Listener l = local.registry().listener("udp1").orElseThrow();
            local.registry().put(new Listener(l.name(), l.type(), l.port(), l.publicAddresses(), l.publicKey(),
                    proxy.endpoint(), l.families(), l.owner()));
            Thread counter = new Thread(() -> count(receiver, received, total), "receiver");
            counter.setDaemon(true);
            counter.start();
            DeliveryQueues.Pair q = local.stack().queues().of("us-east-1");
            String topic = cfg.topicArn("orders");
            int port = receiver.getLocalPort();

            // 1. A batch answered 503 on every attempt of its execution (it never reached the
            //    sender): its records come back from SQS. Three records of 60 packets, so under
            //    batches of 100 a record would have been cut in two by its neighbours.
            proxy.inject("f1c-", FaultyEgressProxy.Fault.REFUSE_ONE_EXECUTION);
            for (String r : List.of("f1a-", "f1b-", "f1c-")) published.addAll(publish(sns, topic, port, r, 60));
            awaitDelivered(local, q, received, published);

            // 2. The sender sent, and its client got a 503 instead of the answer: Egress retries.
            proxy.inject("f1d-", FaultyEgressProxy.Fault.FORWARD_THEN_503);
            published.addAll(publish(sns, topic, port, "f1d-", 5));
            awaitDelivered(local, q, received, published);

            // 3. The sender sent, and its answer came after the Egress timeout.
            proxy.inject("f2-", FaultyEgressProxy.Fault.HOLD_ANSWER_UNTIL_RETRY);
            published.addAll(publish(sns, topic, port, "f2-", 5));
            awaitDelivered(local, q, received, published);

            // 4. The request was held in the network until Egress had given up and retried, then delivered.
            proxy.inject("f3-", FaultyEgressProxy.Fault.HOLD_REQUEST_UNTIL_RETRY);
            published.addAll(publish(sns, topic, port, "f3-", 5));
            awaitDelivered(local, q, received, published);

            // Anything sent before this marker arrived before it (one socket, loopback).
            published.addAll(publish(sns, topic, port, "end-", 1));
            awaitDelivered(local, q, received, published);
            seen = List.copyOf(proxy.seen);
            delivered = local.metrics().total(PipelineMetrics.PACKETS_DELIVERED);
            packetsReceived = local.metrics().total(PipelineMetrics.PACKETS_RECEIVED);
            dlq = local.stack().queues().dlqDepth();
        } // closing flushes the sender's metrics

        Map<String, Integer> copies = new TreeMap<>();
        received.forEach((k, v) -> { if (v.get() != 1) copies.put(k, v.get()); });
        assertEquals(Map.of(), copies, "payloads that arrived more than once");
        assertEquals(new java.util.TreeSet<>(published), new java.util.TreeSet<>(received.keySet()), "every payload, nothing else");
        assertEquals(published.size(), total.get());
        assertEquals(total.get(), delivered, "PacketsDelivered = datagrams at the receiver");
        assertEquals(total.get(), senderMetric(senderEmf, "Sent"), "the sender's Sent = datagrams at the receiver");
        assertEquals(total.get(), packetsReceived, "received = delivered (+ discarded 0 + filtered 0)");
        assertEquals(10, senderMetric(senderEmf, "RepeatsSuppressed"), "the repeats of faults 2 and 3, each packet once");
        assertEquals(0, dlq);

        // The faults did happen as described.
        assertEquals(List.of(0, 0, 0), statuses(seen, "f1c-", 3), "the first execution's three attempts were refused");
        assertEquals(200, statuses(seen, "f1c-", 4).get(3), "the redelivered record went through");
        assertEquals(List.of(200, 200), statuses(seen, "f1d-", 2), "sent, then its repeat answered");
        assertEquals(List.of(200, 200), statuses(seen, "f2-", 2), "answer held, then the repeat answered");
        assertEquals(List.of(408, 200), statuses(seen, "f3-", 2), "the late copy refused past its deadline, the retry sent");
    }

    private static List<Integer> statuses(List<FaultyEgressProxy.Seen> seen, String tag, int n) {
        List<Integer> out = new ArrayList<>();
        for (int a = 1; a <= n; a++) {
            int attempt = a;
            out.add(seen.stream().filter(s -> s.tag().equals(tag) && s.attempt() == attempt)
                    .map(FaultyEgressProxy.Seen::senderStatus).findFirst().orElse(-1));
        }
        return out;
    }

    private static List<String> publish(SnsClient sns, String topic, int port, String tag, int entries) {
        List<String> payloads = new ArrayList<>();
        StringBuilder body = new StringBuilder("{\"Messages\":[");
        for (int i = 0; i < entries; i++) {
            String payload = tag + String.format("%02d", i);
            payloads.add(payload);
            if (i > 0) body.append(',');
            body.append("{\"Data\":\"").append(payload).append("\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":")
                    .append(port).append(",\"PeerKey\":null}}");
        }
        body.append("]}");
        sns.publish(b -> b.topicArn(topic).message(body.toString()).messageAttributes(Map.of("EgressRegion",
                MessageAttributeValue.builder().dataType("String").stringValue("us-east-1").build())));
        return payloads;
    }

    private static void count(DatagramSocket receiver, Map<String, AtomicInteger> received, AtomicInteger total) {
        PayloadCounter.count(receiver, received, total);
    }

    private static void awaitDelivered(LocalMode local, DeliveryQueues.Pair q, Map<String, AtomicInteger> received,
                                       List<String> published) throws InterruptedException {
        Await.until("every published entry received and the queue drained", Duration.ofSeconds(90),
                () -> received.keySet().containsAll(published) && local.stack().queues().depth(q.url()) == 0);
    }

    /** The sum of one metric over the sender's EMF lines for Listener udp1. */
    private static long senderMetric(ByteArrayOutputStream emf, String name) throws Exception {
        long sum = 0;
        for (String line : emf.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            if ("udp1".equals(n.path("Listener").asText()) && n.has(name) && !n.has("Reason")) sum += n.get(name).asLong();
        }
        return sum;
    }

}
