package com.proxylity.packetsource.benchmarks.local;

import com.proxylity.packetsource.local.LocalMode;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.sqs.Sqs;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import java.io.IOException;
import java.util.Collections;

/**
 * Load tool (not a test, not JMH): local mode end to end, publish with the SDK SnsClient until
 * the datagram is received on loopback, for messages of 1 and of 10 entries; and, in the same
 * run and on the same embedded ElasticMQ, the bare queue (SendMessageBatch, ReceiveMessage,
 * DeleteMessageBatch) as the reference. Each phase: closed-loop publishers for a fixed time
 * (throughput), then a paced phase at a modest rate (latency p50/p99, publish to receive).
 *
 * <pre>
 * mvn -q -B -ntp -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *     com.proxylity.packetsource.benchmarks.local.LocalModeLoad [seconds=8]
 * </pre>
 */
public final class LocalModeLoad {
    static final int PUBLISHERS = Integer.getInteger("publishers", 1);

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        JsonLog.redirect(new PrintStream(OutputStream.nullOutputStream()));
        String yaml = """
            regions: [us-east-1]
            queues: {visibilityTimeoutSeconds: 30, maxReceiveCount: 3, batchSize: 10}
            listeners: [{name: bench, protocol: udp}]
            packetSources: [{topic: bench, listener: bench}]
            """;
        LocalConfig cfg = LocalConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        try (LocalMode local = LocalMode.start(cfg, WireGuardPorts.NONE, null)) {
            System.out.printf("cores=%d, publishers=%d, %d s per throughput phase%n",
                    Runtime.getRuntime().availableProcessors(), PUBLISHERS, seconds);
            // Warm-up (JIT, connection pools) of both paths; not reported.
            bareQueue(local, 4);
            endToEnd(local, cfg, 10, 4);
            // Rounds alternate reference and subject, so drift of this shared machine shows as a spread.
            int rounds = Integer.getInteger("rounds", 2);
            for (int r = 1; r <= rounds; r++) {
                System.out.println("round " + r);
                Result q = bareQueue(local, seconds);
                print("bare queue (send+receive+delete)", q, null);
                print("end to end, 1 entry/message", endToEnd(local, cfg, 1, seconds), q);
                print("end to end, 10 entries/message", endToEnd(local, cfg, 10, seconds), q);
            }
        }
    }

    record Result(double msgsPerSec, double packetsPerSec, double p50Ms, double p99Ms) {}

    static void print(String name, Result r, Result ref) {
        System.out.printf("%-34s %8.0f msgs/s %8.0f packets/s   p50 %6.1f ms  p99 %6.1f ms%s%n", name,
                r.msgsPerSec, r.packetsPerSec, r.p50Ms, r.p99Ms,
                ref == null ? "" : String.format("   msgs/s ratio to bare queue %.2f", r.msgsPerSec / ref.msgsPerSec));
    }

    // ---- end to end -----------------------------------------------------------------------

    static Result endToEnd(LocalMode local, LocalConfig cfg, int entries, int seconds) throws Exception {
        DatagramSocket rx = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        try {
            rx.setReceiveBufferSize(8 << 20);
            Receiver receiver = new Receiver(rx);
            Thread rt = new Thread(receiver, "bench-rx");
            rt.start();
            String topic = cfg.topicArn("bench");
            // Throughput: closed loop, PublishBatch of 10 messages per call.
            AtomicBoolean run = new AtomicBoolean(true);
            AtomicLong published = new AtomicLong();
            List<Thread> pubs = new ArrayList<>();
            for (int t = 0; t < PUBLISHERS; t++) {
                Thread th = new Thread(() -> {
                    try (SnsClient sns = sns(local)) {
                        while (run.get()) {
                            sns.publishBatch(b -> b.topicArn(topic).publishBatchRequestEntries(batch(entries, rx.getLocalPort())));
                            published.addAndGet(10);
                        }
                    }
                });
                pubs.add(th);
            }
            long startPackets = receiver.packets.get();
            long t0 = System.nanoTime();
            pubs.forEach(Thread::start);
            Thread.sleep(seconds * 1000L);
            long packets = receiver.packets.get() - startPackets;
            double elapsed = (System.nanoTime() - t0) / 1e9;
            run.set(false);
            for (Thread th : pubs) th.join();
            // Drain the backlog before the latency phase, so it measures an idle pipeline.
            long expected = published.get() * entries;
            long drainDeadline = System.currentTimeMillis() + 120_000;
            while (receiver.packets.get() - startPackets < expected && System.currentTimeMillis() < drainDeadline) Thread.sleep(100);
            double pps = packets / elapsed;
            // Latency: paced, one message every 20 ms (50 msgs/s), 150 messages.
            receiver.latencies.clear();
            receiver.recordLatency = true;
            try (SnsClient sns = sns(local)) {
                for (int i = 0; i < 150; i++) {
                    sns.publish(b -> b.topicArn(topic).message(body(entries, rx.getLocalPort())).messageAttributes(region()));
                    Thread.sleep(20);
                }
            }
            long deadline = System.currentTimeMillis() + 10_000;
            while (receiver.latencies.size() < 150L * entries && System.currentTimeMillis() < deadline) Thread.sleep(50);
            receiver.recordLatency = false;
            rx.close();
            rt.join();
            double[] lat = receiver.latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Result(pps / entries, pps, pct(lat, 50), pct(lat, 99));
        } finally {
            rx.close();
        }
    }

    static SnsClient sns(LocalMode local) {
        return SnsClient.builder().endpointOverride(local.stack().snsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    static Map<String, MessageAttributeValue> region() {
        return Map.of("EgressRegion", MessageAttributeValue.builder().dataType("String").stringValue("us-east-1").build());
    }

    static List<PublishBatchRequestEntry> batch(int entries, int port) {
        List<PublishBatchRequestEntry> out = new ArrayList<>(10);
        for (int i = 0; i < 10; i++) {
            out.add(PublishBatchRequestEntry.builder().id("e" + i).message(body(entries, port)).messageAttributes(region()).build());
        }
        return out;
    }

    /** Each payload carries its publish time (nanoTime: same JVM), for the latency. */
    static String body(int entries, int port) {
        StringBuilder sb = new StringBuilder("{\"Messages\":[");
        long now = System.nanoTime();
        for (int i = 0; i < entries; i++) {
            if (i > 0) sb.append(',');
            String data = Base64.getEncoder().encodeToString(ByteBuffer.allocate(16).putLong(now).putLong(i).array());
            sb.append("{\"Data\":\"").append(data).append("\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":")
                    .append(port).append("}}");
        }
        return sb.append("]}").toString();
    }

    static final class Receiver implements Runnable {
        final DatagramSocket socket;
        final AtomicLong packets = new AtomicLong();
        final List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        volatile boolean recordLatency;

        Receiver(DatagramSocket socket) { this.socket = socket; }

        @Override
        public void run() {
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (true) {
                try {
                    socket.receive(p);
                } catch (SocketException closed) {
                    return;
                } catch (IOException e) {
                    return;
                }
                long now = System.nanoTime();
                packets.incrementAndGet();
                if (recordLatency && p.getLength() == 16) {
                    latencies.add((now - ByteBuffer.wrap(buf, 0, 8).getLong()) / 1e6);
                }
            }
        }
    }

    // ---- bare queue reference ---------------------------------------------------------------

    static Result bareQueue(LocalMode local, int seconds) throws Exception {
        try (SqsClient sqs = Sqs.client(local.stack().sqsEndpoint("us-east-1"), "us-east-1")) {
            String url = sqs.createQueue(b -> b.queueName("bench-reference-" + System.nanoTime())).queueUrl();
            AtomicBoolean run = new AtomicBoolean(true);
            AtomicLong consumed = new AtomicLong();
            AtomicLong receives = new AtomicLong();
            List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean recordLatency = new AtomicBoolean(false);
            Thread consumer = new Thread(() -> {
                while (run.get()) {
                    List<Message> ms = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
                    receives.incrementAndGet();
                    if (ms.isEmpty()) continue;
                    long now = System.nanoTime();
                    List<DeleteMessageBatchRequestEntry> del = new ArrayList<>();
                    for (int i = 0; i < ms.size(); i++) {
                        del.add(DeleteMessageBatchRequestEntry.builder().id("d" + i).receiptHandle(ms.get(i).receiptHandle()).build());
                        if (recordLatency.get()) latencies.add((now - Long.parseLong(ms.get(i).body())) / 1e6);
                    }
                    sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(del));
                    consumed.addAndGet(ms.size());
                }
            });
            consumer.start();
            AtomicBoolean produce = new AtomicBoolean(true);
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < PUBLISHERS; t++) {
                Thread th = new Thread(() -> {
                    while (produce.get()) {
                        List<SendMessageBatchRequestEntry> es = new ArrayList<>();
                        for (int i = 0; i < 10; i++) {
                            es.add(SendMessageBatchRequestEntry.builder().id("s" + i).messageBody(Long.toString(System.nanoTime())).build());
                        }
                        sqs.sendMessageBatch(b -> b.queueUrl(url).entries(es));
                    }
                });
                producers.add(th);
            }
            Thread.sleep(1000);
            long c0 = consumed.get();
            long t0 = System.nanoTime();
            producers.forEach(Thread::start);
            Thread.sleep(seconds * 1000L);
            long n = consumed.get() - c0;
            double elapsed = (System.nanoTime() - t0) / 1e9;
            produce.set(false);
            for (Thread th : producers) th.join();
            while (sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("ApproximateNumberOfMessages"))
                    .attributesAsStrings().get("ApproximateNumberOfMessages").equals("0") == false) Thread.sleep(100);
            recordLatency.set(true);
            for (int i = 0; i < 150; i++) {
                sqs.sendMessage(b -> b.queueUrl(url).messageBody(Long.toString(System.nanoTime())));
                Thread.sleep(20);
            }
            Thread.sleep(1500);
            run.set(false);
            consumer.join();
            double[] lat = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Result(n / elapsed, n / elapsed, pct(lat, 50), pct(lat, 99));
        }
    }

    static double pct(double[] sorted, int p) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
