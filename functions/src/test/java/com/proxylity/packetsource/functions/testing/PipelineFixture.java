package com.proxylity.packetsource.functions.testing;

import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.functions.Egress;
import com.proxylity.packetsource.functions.LookupSessions;
import com.proxylity.packetsource.functions.PublishOutcomes;
import com.proxylity.packetsource.functions.ReportFailures;
import com.proxylity.packetsource.functions.outcomes.OutcomeSummaryLimiter;
import com.proxylity.packetsource.functions.Validate;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.ratelimit.TokenBucketRateLimiter;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.proxylity.packetsource.core.testevents.TestSigning;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The real handlers wired as local mode would wire them: an in-memory registry and session
 * directory, the signed HTTP egress transport pointed at a {@link StandInEgressApi}, and a UDP
 * receiver the sender's datagrams arrive at. Served on a {@link LambdaInvokeEndpoint}.
 */
public final class PipelineFixture implements AutoCloseable {
    public static final String REGION = "us-east-1";
    public static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:orders";
    public static final String TOPIC_WG = "arn:aws:sns:us-east-1:111122223333:tunnel";
    public static final String TOPIC_DISABLED = "arn:aws:sns:us-east-1:111122223333:paused";
    public static final String TOPIC_LIMITED = "arn:aws:sns:us-east-1:111122223333:limited";
    public static final String TOPIC_UNKNOWN = "arn:aws:sns:us-east-1:999999999999:stranger";
    /** A source whose owner asked for outcome summaries, at {@link #OUTCOME_TOPIC}. */
    public static final String TOPIC_REPORTED = "arn:aws:sns:us-east-1:111122223333:reported";
    public static final String OUTCOME_TOPIC = "arn:aws:sns:us-east-1:111122223333:outcomes";
    /** The customer of {@link #TOPIC_REPORTED}, owning the outcome topic's account and the Listener it sends from. */
    public static final String REPORTED_CUSTOMER = "acme";

    /** {@link #TOPIC_REPORTED} as its customer registered it, with this max age. */
    public static PacketSource reported(long maxAgeSeconds) {
        return new PacketSource(TOPIC_REPORTED, "coap-acme", true, null, maxAgeSeconds, 0, REPORTED_CUSTOMER, OUTCOME_TOPIC);
    }

    /** Peer keys (32 bytes, base64): live session on wg1, expired on wg1, live only on wg2. */
    public static final String PEER_LIVE = key(1);
    public static final String PEER_EXPIRED = key(2);
    public static final String PEER_OTHER_LISTENER = key(3);

    public final byte[] hmacKey = new byte[32];
    public final DatagramSocket receiver;
    public final StandInEgressApi sender;
    public final InMemorySessionDirectory sessions = new InMemorySessionDirectory();
    public final InMemoryRegistry registry = new InMemoryRegistry();
    public final List<String[]> confirmed = new CopyOnWriteArrayList<>();
    public final LambdaInvokeEndpoint endpoint;
    public final PipelineMetrics metrics;

    public final Validate validate;
    public final LookupSessions lookupSessions;
    public final Egress egress;
    public final ReportFailures reportFailures;
    public final PublishOutcomes publishOutcomes;
    /** Each summary published: {topic, message}. */
    public final List<String[]> outcomesPublished = new CopyOnWriteArrayList<>();
    /** When set, every outcome publish throws it. */
    public volatile RuntimeException outcomeFailure;

    public PipelineFixture(EgressPolicy policy) throws IOException {
        this(policy, null);
    }

    /** @param discardLog where the handlers explain discards; null: the deployed stdout log */
    public PipelineFixture(EgressPolicy policy, com.proxylity.packetsource.functions.metrics.DiscardLog discardLog)
            throws IOException {
        PipelineMetrics deployed = Environment.pipelineMetrics();
        metrics = discardLog == null ? deployed
                : new PipelineMetrics(software.amazon.lambda.powertools.metrics.MetricsBuilder.builder()
                        .withNamespace(PipelineMetrics.NAMESPACE).withRaiseOnEmptyMetrics(false).build(),
                        PipelineMetrics.NAMESPACE, discardLog);
        Arrays.fill(hmacKey, (byte) 7);
        receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        receiver.setSoTimeout(2000);
        sender = new StandInEgressApi(hmacKey, (InetSocketAddress) receiver.getLocalSocketAddress());
        // Dual-stack, so IPv6 remotes are sent (an IPv4-only Listener discards them: issue 9).
        registry.put(new Listener("coap", ListenerType.UDP, 5683, List.of("198.51.100.1", "2001:db8::1"), null,
                sender.endpoint(), com.proxylity.packetsource.core.contract.AddressFamilies.DUAL));
        registry.put(new Listener("wg1", ListenerType.WG_DECAP, 51820, List.of("198.51.100.2"), key(9), sender.endpoint()));
        registry.put(new Listener("wg2", ListenerType.WG, 51821, List.of("198.51.100.3"), key(10), sender.endpoint()));
        registry.put(new PacketSource(TOPIC, "coap", true, null, 0, 0));
        registry.put(new PacketSource(TOPIC_WG, "wg1", true, "utf8", 0, 0));
        registry.put(new PacketSource(TOPIC_DISABLED, "coap", false, null, 0, 0));
        registry.put(new PacketSource(TOPIC_LIMITED, "coap", true, null, 0, 2));
        registry.put(new Listener("coap-acme", ListenerType.UDP, 5684, List.of("198.51.100.4"), null,
                sender.endpoint(), com.proxylity.packetsource.core.contract.AddressFamilies.DUAL).ownedBy(REPORTED_CUSTOMER));
        registry.put(new com.proxylity.packetsource.core.registry.Customer(REPORTED_CUSTOMER, "0".repeat(64), "psx-acme",
                java.util.Set.of("111122223333")));
        registry.put(reported(0));
        Instant now = Instant.now();
        sessions.put(new SessionRecord("wg1", PEER_LIVE, "127.0.0.1:40000", "sender-1", now, now.plusSeconds(180)));
        sessions.put(new SessionRecord("wg1", PEER_EXPIRED, "127.0.0.1:40001", "sender-1",
                now.minusSeconds(400), now.minusSeconds(220)));
        sessions.put(new SessionRecord("wg2", PEER_OTHER_LISTENER, "127.0.0.1:40002", "sender-1", now,
                now.plusSeconds(180)));

        Clock clock = Clock.systemUTC();
        validate = new Validate(registry, REGION, clock, (topic, token) -> confirmed.add(new String[] {topic, token}),
                new TokenBucketRateLimiter(clock), new StateBudget(Environment.DEFAULT_PIPE_BATCH_SIZE), policy, metrics, TestSigning.get().verifier());
        lookupSessions = new LookupSessions(sessions, registry, clock, metrics);
        egress = new Egress(new HttpEgressTransport(hmacKey, clock, Duration.ofSeconds(5)), clock, metrics);
        reportFailures = new ReportFailures(metrics);
        // A high rate: these tests are about the state machine, PublishOutcomesTest about the limit.
        publishOutcomes = new PublishOutcomes((topic, subject, message) -> {
            RuntimeException f = outcomeFailure;
            if (f != null) throw f;
            outcomesPublished.add(new String[] {topic, message, subject});
        }, REGION, new OutcomeSummaryLimiter(new TokenBucketRateLimiter(clock), 1000), metrics);
        endpoint = new LambdaInvokeEndpoint()
                .register("Validate", validate)
                .register("LookupSessions", lookupSessions)
                .register("Egress", egress)
                .register("ReportFailures", reportFailures)
                .register("PublishOutcomes", publishOutcomes);
    }

    public static String key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return java.util.Base64.getEncoder().encodeToString(k);
    }

    /** Datagrams that arrived at the receiver within the timeout after the last one. */
    public List<byte[]> received(int atMost) throws IOException {
        List<byte[]> out = new ArrayList<>();
        byte[] buf = new byte[65_535];
        int old = receiver.getSoTimeout();
        receiver.setSoTimeout(500);
        try {
            while (out.size() < atMost) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                receiver.receive(p);
                out.add(Arrays.copyOf(p.getData(), p.getLength()));
            }
        } catch (SocketTimeoutException done) {
            // nothing more arrived
        } finally {
            receiver.setSoTimeout(old);
        }
        return out;
    }

    @Override
    public void close() {
        endpoint.close();
        sender.close();
        receiver.close();
    }
}
