package com.proxylity.packetsource.functions;

import static com.proxylity.packetsource.functions.testing.SqsEvents.body;
import static com.proxylity.packetsource.functions.testing.SqsEvents.entry;
import static com.proxylity.packetsource.functions.testing.SqsEvents.notification;
import static com.proxylity.packetsource.functions.testing.SqsEvents.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.testevents.TestSigning;
import com.proxylity.packetsource.core.usage.InMemoryUsageStore;
import com.proxylity.packetsource.core.usage.UsageCounts;
import com.proxylity.packetsource.core.usage.UsageKey;
import com.proxylity.packetsource.core.usage.UsageRecord;
import com.proxylity.packetsource.core.usage.UsageSource;
import com.proxylity.packetsource.core.usage.UsageStore;
import com.proxylity.packetsource.core.usage.UsageUnavailableException;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.model.Batches;
import com.proxylity.packetsource.functions.model.EgressBatch;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.functions.ratelimit.TokenBucketRateLimiter;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The three counting handlers against the real sender, each writing usage to one store: every
 * packet is counted once for the customer and Packet Source that published it, across a
 * redelivery (first receive only before Egress; the sender's answer from memory at Egress)
 * and a usage write that failed and was retried by the state (docs/usage.md).
 */
class UsageCountingTest {
    private static final String TOPIC_A = "arn:aws:sns:us-east-1:111122223333:acme-orders";
    private static final String TOPIC_A_WG = "arn:aws:sns:us-east-1:111122223333:acme-tunnel";
    private static final String TOPIC_B = "arn:aws:sns:us-east-1:444455556666:beta";
    private static final String TOPIC_STRANGER = "arn:aws:sns:us-east-1:999999999999:stranger";
    private static final String NO_SUCH_PEER = PeerKeys.of(4);

    @Test
    void eachPacketIsCountedOnceForItsOwnerAcrossARedeliveryAndAnotherRunsRepeat() throws Exception {
        try (Fixture fx = new Fixture(UsageStore.NONE)) {
            int port = fx.remote.getLocalPort();
            Instant published = Instant.now().minusSeconds(2);
            List<ObjectNode> records = List.of(
                    record("a1", notification(TOPIC_A, "us-east-1", body(entry("aGVsbG8=", null, "127.0.0.1", port, null),
                            entry("zz", "hex", "127.0.0.1", port, null)), published)),
                    record("a2", notification(TOPIC_A_WG, "us-east-1", body(
                            StateMachineRunsTest.inner(entry("aGk=", null, "127.0.0.1", port, NO_SUCH_PEER))), published)),
                    record("b1", notification(TOPIC_B, "us-east-1", body(entry("aGk=", null, "127.0.0.1", port, null)), published)),
                    record("s1", notification(TOPIC_STRANGER, "us-east-1", body(entry("aGk=", null, "127.0.0.1", port, null)),
                            published)));
            fx.pass(records, "1");
            List<String> delivered = List.of(fx.receive(), fx.receive());
            // a1 comes back (as when another of its batches failed): counted on its first receive only.
            fx.pass(List.of(records.get(0)), "2");
            fx.pass(List.of(record("b2", notification(TOPIC_B, "us-east-1",
                    body(entry("ZW5k", null, "127.0.0.1", port, null)), published))), "1");

            assertEquals(List.of("hello", "hi"), delivered.stream().sorted().toList());
            assertEquals("end", fx.receive(), "a1's repeat left nothing before the marker");
            long hour = UsageKey.hourOf(published.toEpochMilli());
            assertEquals(List.of(
                    new UsageRecord("us-east-1", "acme", UsageSource.sourceIdOf(TOPIC_A), TOPIC_A, hour, 1, 1, 5,
                            Map.of("DecodeError", 1L)),
                    new UsageRecord("us-east-1", "acme", UsageSource.sourceIdOf(TOPIC_A_WG), TOPIC_A_WG, hour, 1, 0, 0,
                            Map.of("NoSession", 1L)),
                    new UsageRecord("us-east-1", "beta", UsageSource.sourceIdOf(TOPIC_B), TOPIC_B, hour, 2, 2, 5, Map.of())),
                    sorted(fx.usage.query(null, hour, hour + 3600)), "the stranger's unauthenticated message is no one's");
        }
    }

    @Test
    void aUsageWriteThatFailedIsRetriedByTheStateAndCountedOnce() throws Exception {
        InMemoryUsageStore store = new InMemoryUsageStore("us-east-1");
        AtomicBoolean failNext = new AtomicBoolean(false);
        UsageStore flaky = new UsageStore() {
            @Override
            public void add(Map<UsageKey, UsageCounts> counts) {
                if (failNext.getAndSet(false)) throw new UsageUnavailableException("throttled", null);
                store.add(counts);
            }

            @Override
            public List<UsageRecord> query(String customerId, long fromHour, long toHour) {
                return store.query(customerId, fromHour, toHour);
            }
        };
        try (Fixture fx = new Fixture(flaky)) {
            int port = fx.remote.getLocalPort();
            Instant published = Instant.now().minusSeconds(2);
            PacketsState v = fx.validate.handle(pipeBatch(List.of(record("b1", notification(TOPIC_B, "us-east-1",
                    body(entry("aGk=", null, "127.0.0.1", port, null), entry("aGVsbG8=", null, "127.0.0.1", port, null)),
                    published))), "1"));
            EgressBatch batch = fx.lookupSessions.handle(v).batches().get(0);
            failNext.set(true);
            assertThrows(SenderUnavailableException.class, () -> fx.egress.handle(batch), "the state retries it");
            fx.egress.handle(batch);
            List<String> got = List.of(fx.receive(), fx.receive());
            assertEquals(List.of("hello", "hi"), got.stream().sorted().toList());
            long hour = UsageKey.hourOf(published.toEpochMilli());
            UsageRecord r = store.query("beta", hour, hour + 3600).get(0);
            assertEquals(2, r.delivered(), "the retry of the same run counts what the failed write lost, once");
            assertEquals(7, r.bytes());
            assertEquals(1, r.messages());
        }
    }

    private static List<UsageRecord> sorted(List<UsageRecord> records) {
        return records.stream().sorted(java.util.Comparator.comparing(UsageRecord::customerId)
                .thenComparing(UsageRecord::topicArn)).toList();
    }

    static Validate.PipeBatch pipeBatch(List<ObjectNode> records, String receiveCount) throws Exception {
        ArrayNode array = StateJson.MAPPER.createArrayNode();
        for (ObjectNode r : records) {
            ObjectNode copy = r.deepCopy();
            ((ObjectNode) copy.get("attributes")).put("ApproximateReceiveCount", receiveCount);
            array.add(copy);
        }
        return StateJson.MAPPER.readValue(StateJson.MAPPER.writeValueAsBytes(array), Validate.PipeBatch.class);
    }

    private static final class PeerKeys {
        static String of(int fill) {
            byte[] k = new byte[32];
            Arrays.fill(k, (byte) fill);
            return java.util.Base64.getEncoder().encodeToString(k);
        }
    }

    /** The handlers as the state machine runs them, one usage store, the real sender and a UDP remote. */
    private static final class Fixture implements AutoCloseable {
        final InMemoryUsageStore usage = new InMemoryUsageStore("us-east-1");
        final DatagramSocket remote;
        final Sender sender;
        final Validate validate;
        final LookupSessions lookupSessions;
        final Egress egress;

        /** @param store where the handlers write; {@link UsageStore#NONE}: this fixture's {@link #usage} */
        Fixture(UsageStore store) throws Exception {
            UsageStore target = store == UsageStore.NONE ? usage : store;
            byte[] key = new byte[32];
            Arrays.fill(key, (byte) 5);
            remote = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            remote.setSoTimeout(5000);
            sender = Sender.builder(SenderConfig.builder().hmacKey(key)
                            .listener(ListenerConfig.udp("coap-acme", "127.0.0.1", 0))
                            .listener(ListenerConfig.udp("coap-beta", "127.0.0.1", 0)).build())
                    .egressPolicy(DefaultEgressPolicy.localMode())
                    .metricsOut(new PrintStream(new ByteArrayOutputStream()))
                    .start();
            String endpoint = sender.egressUri().toString();
            InMemoryRegistry registry = new InMemoryRegistry();
            registry.put(new Listener("coap-acme", ListenerType.UDP, 5683, List.of("127.0.0.1"), null, endpoint,
                    AddressFamilies.defaultFamilies(), "acme"));
            registry.put(new Listener("wg-acme", ListenerType.WG_DECAP, 51820, List.of("127.0.0.1"), PeerKeys.of(9), endpoint,
                    AddressFamilies.defaultFamilies(), "acme"));
            registry.put(new Listener("coap-beta", ListenerType.UDP, 5684, List.of("127.0.0.1"), null, endpoint,
                    AddressFamilies.defaultFamilies(), "beta"));
            registry.put(new PacketSource(TOPIC_A, "coap-acme", true, null, 0, 0, "acme"));
            registry.put(new PacketSource(TOPIC_A_WG, "wg-acme", true, null, 0, 0, "acme"));
            registry.put(new PacketSource(TOPIC_B, "coap-beta", true, null, 0, 0, "beta"));
            Clock clock = Clock.systemUTC();
            PipelineMetrics metrics = Environment.pipelineMetrics();
            validate = new Validate(registry, "us-east-1", clock, (t, token) -> { }, new TokenBucketRateLimiter(clock),
                    new StateBudget(Environment.DEFAULT_PIPE_BATCH_SIZE), DefaultEgressPolicy.localMode(), metrics,
                    TestSigning.get().verifier(), target);
            lookupSessions = new LookupSessions(new InMemorySessionDirectory(), registry, clock, metrics, null, target);
            egress = new Egress(new HttpEgressTransport(key, clock, Duration.ofSeconds(5)), clock, metrics, null, target);
        }

        /** One execution: Validate, LookupSessions, then Egress per batch, each through its JSON as in Lambda. */
        void pass(List<ObjectNode> records, String receiveCount) throws Exception {
            PacketsState v = roundTrip(validate.handle(pipeBatch(records, receiveCount)), PacketsState.class);
            Batches b = roundTrip(lookupSessions.handle(v), Batches.class);
            for (EgressBatch batch : b.batches()) egress.handle(roundTrip(batch, EgressBatch.class));
        }

        private static <T> T roundTrip(Object value, Class<T> type) throws Exception {
            return StateJson.MAPPER.readValue(StateJson.MAPPER.writeValueAsBytes(value), type);
        }

        String receive() throws Exception {
            DatagramPacket p = new DatagramPacket(new byte[512], 512);
            remote.receive(p);
            return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            sender.close();
            remote.close();
        }
    }
}
