package com.proxylity.packetsource.functions;

import static com.proxylity.packetsource.functions.testing.SqsEvents.batch;
import static com.proxylity.packetsource.functions.testing.SqsEvents.body;
import static com.proxylity.packetsource.functions.testing.SqsEvents.entry;
import static com.proxylity.packetsource.functions.testing.SqsEvents.notification;
import static com.proxylity.packetsource.functions.testing.SqsEvents.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.core.pipeline.RateLimiter;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.proxylity.packetsource.functions.testing.LambdaInvokeEndpoint;
import com.proxylity.packetsource.functions.testing.LocalStepFunctions;
import com.proxylity.packetsource.sender.Sender;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import com.proxylity.packetsource.core.testevents.TestSigning;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole AWS path on loopback with no stand-ins on the egress side: state machine
 * (aws-local-stepfunctions) → real handlers → signed egress API → the real sender (sender
 * module, in-process) → a UDP datagram from the Listener's own port to the remote.
 */
class RealSenderEndToEndTest {
    @Test
    void aPublishedEntryArrivesFromTheListenersPort() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        PipelineMetrics metrics = Environment.pipelineMetrics();
        try (DatagramSocket remote = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Sender sender = Sender.builder(SenderConfig.builder().hmacKey(key)
                             .listener(ListenerConfig.udp("coap", "127.0.0.1", 0)).build())
                     .egressPolicy(DefaultEgressPolicy.localMode())
                     .metricsOut(new PrintStream(new ByteArrayOutputStream()))
                     .start();
             LambdaInvokeEndpoint endpoint = new LambdaInvokeEndpoint()) {
            remote.setSoTimeout(5000);
            String topic = "arn:aws:sns:us-east-1:111122223333:orders";
            InMemoryRegistry registry = new InMemoryRegistry()
                    .put(new Listener("coap", ListenerType.UDP, sender.listenerAddress("coap").getPort(),
                            List.of("127.0.0.1"), null, "http://127.0.0.1:" + sender.egressPort()))
                    .put(new PacketSource(topic, "coap", true, "utf8", 0, 0));
            Clock clock = Clock.systemUTC();
            endpoint.register("Validate", new Validate(registry, "us-east-1", clock, (t, k) -> { },
                            RateLimiter.UNLIMITED, new StateBudget(Environment.DEFAULT_PIPE_BATCH_SIZE), DefaultEgressPolicy.localMode(), metrics, TestSigning.get().verifier()))
                    .register("LookupSessions", new LookupSessions(new InMemorySessionDirectory(), registry, clock, metrics))
                    .register("Egress", new Egress(new HttpEgressTransport(key, clock, Duration.ofSeconds(5)), clock, metrics))
                    .register("ReportFailures", new ReportFailures(metrics));

            String text = "2.05 Content " + Base64.getEncoder().encodeToString(new byte[6]);
            var input = batch(record("e2e-1", notification(topic, "us-east-1",
                    body(entry(text, null, "127.0.0.1", remote.getLocalPort(), null)), Instant.now())));
            LocalStepFunctions.Execution run = new LocalStepFunctions(endpoint.uri()).run(Map.of("e2e", input)).get("e2e");

            assertTrue(run.ok(), () -> run.error() + " " + run.cause());
            assertEquals(0, run.output().get("batchItemFailures").size());
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            remote.receive(p);
            assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), java.util.Arrays.copyOf(p.getData(), p.getLength()));
            assertEquals(sender.listenerAddress("coap").getPort(), p.getPort(), "sent from the Listener's own port");
        }
    }
}
