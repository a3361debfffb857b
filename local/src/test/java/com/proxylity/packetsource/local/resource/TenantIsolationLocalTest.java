package com.proxylity.packetsource.local.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.registry.ApiKeys;
import com.proxylity.packetsource.core.registry.Registration;
import com.proxylity.packetsource.core.testing.InnerUdpReceiver;
import com.proxylity.packetsource.core.testing.WireGuardKeys;
import com.proxylity.packetsource.core.testing.WireGuardPeer;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.local.LocalMode;
import com.proxylity.packetsource.local.LocalWireGuard;
import com.proxylity.packetsource.local.config.LocalConfig;
import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import com.proxylity.packetsource.core.testing.Await;

/**
 * Two customers on the local stack, driven from outside as CloudFormation and the customers'
 * applications would, with the real SDK clients: {@code demo} (the victim: a WireGuard
 * DecapsulatedDelivery Listener with a real wireguard-go peer in a network namespace, where root
 * allows) and {@code evil} (its own ApiKey, role, topic and plain-UDP Listener). Every attack of
 * issue 19 on the provider and on the tunnel fails with a clear answer and leaves demo's
 * registration, subscriptions and tunnel as they were; demo's legitimate life cycle still works
 * in two regions.
 */
class TenantIsolationLocalTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DEMO_KEY = "demo.isolation-test-key-0123456789abcdefghij";
    static final String EVIL_KEY = "evil.isolation-test-key-9876543210zyxwvutsrq";
    static final String DEMO_ROLE = "arn:aws:iam::111122223333:role/proxylity-subscriber";
    static final String EVIL_ROLE = "arn:aws:iam::444455556666:role/proxylity-subscriber";
    static final Duration WAIT = Duration.ofSeconds(20);

    static LocalMode local;
    static ResourceClient cloudFormation;
    static SnsClient publisher;
    static SnsClient demoSns;
    static DatagramSocket receiver;
    static WireGuardKeys peerKeys = WireGuardKeys.generate();
    static WireGuardKeys listenerKeys = WireGuardKeys.generate();

    @BeforeAll
    static void start() throws Exception {
        String yaml = """
            regions: [us-east-1, eu-west-1]
            queues: {visibilityTimeoutSeconds: 1, maxReceiveCount: 3, batchSize: 10}
            listeners:
              - {name: demo-wg, protocol: wg, decapsulated: true, owner: demo, privateKey: "%s", allowedPeers: ["%s"]}
              - {name: demo-udp, protocol: udp, owner: demo}
              - {name: evil-udp, protocol: udp, owner: evil}
            customerTopics: [demo-tunnel, demo-plain, evil-out]
            customers:
              - {id: demo, apiKeySha256: %s, externalId: psx-demo-1, accounts: ["000000000000", "111122223333"]}
              - {id: evil, apiKeySha256: %s, externalId: psx-evil-1, accounts: ["000000000000", "444455556666"]}
            roles:
              - {arn: %s, externalId: psx-demo-1, actions: [sns:Subscribe, sns:Unsubscribe, sns:ListSubscriptionsByTopic], topics: [demo-tunnel, demo-plain]}
              - {arn: %s, externalId: psx-evil-1, actions: [sns:Subscribe, sns:Unsubscribe, sns:ListSubscriptionsByTopic], topics: [evil-out]}
            """.formatted(listenerKeys.privateKey(), peerKeys.publicKey(), ApiKeys.sha256(DEMO_KEY), ApiKeys.sha256(EVIL_KEY),
                DEMO_ROLE, EVIL_ROLE);
        LocalConfig cfg = LocalConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        local = LocalMode.start(cfg, LocalWireGuard.ports(), null);
        cloudFormation = new ResourceClient(local.resourceEndpoint());
        publisher = LocalCustomer.publisher(local);
        demoSns = LocalCustomer.asRole(local, DEMO_ROLE, "psx-demo-1");
        receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        receiver.setSoTimeout(200);
    }

    @AfterAll
    static void stop() {
        if (receiver != null) receiver.close();
        if (demoSns != null) demoSns.close();
        if (publisher != null) publisher.close();
        if (cloudFormation != null) cloudFormation.close();
        if (local != null) local.close();
    }

    static String topic(String name) {
        return local.config().topicArn(name);
    }

    static ObjectNode props(String key, String listener, String role, String topicName) {
        ObjectNode p = JSON.createObjectNode();
        p.put("ServiceToken", "arn:aws:lambda:us-east-1:000000000000:function:PacketSourceResource");
        p.put("ApiKey", key);
        p.put("ListenerName", listener);
        p.put("Formatter", "utf8");
        p.putObject("SnsTopicSource").put("Role", role).put("TopicArn", topic(topicName));
        return p;
    }

    static final String DEMO_STACK = "arn:aws:cloudformation:us-east-1:111122223333:stack/demo/00000000-0000-4000-8000-000000000001";
    static final String EVIL_STACK = "arn:aws:cloudformation:us-east-1:444455556666:stack/evil/00000000-0000-4000-8000-000000000002";

    static JsonNode send(String type, String stack, JsonNode props, JsonNode old, String physicalId) throws Exception {
        return cloudFormation.send(type, props, old, physicalId, stack, "Source");
    }

    static Set<String> subscriptions(String name) {
        Set<String> out = new TreeSet<>();
        demoSns.listSubscriptionsByTopicPaginator(b -> b.topicArn(topic(name))).subscriptions()
                .forEach(s -> out.add(s.subscriptionArn() + " " + s.endpoint()));
        return out;
    }

    static void publish(String name, String body, String region) {
        publisher.publish(b -> b.topicArn(topic(name)).message(body).messageAttributes(Map.of("EgressRegion",
                MessageAttributeValue.builder().dataType("String").stringValue(region).build())));
    }

    static String plain(String payload) {
        return "{\"Messages\":[{\"Data\":\"" + payload + "\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":"
                + receiver.getLocalPort() + ",\"PeerKey\":null},\"Inner\":null}]}";
    }

    static String tunnelled(String payload, String peerKey, InetAddress innerDestination, int port) {
        return "{\"Messages\":[{\"Data\":\"" + payload + "\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":51820,\"PeerKey\":\""
                + peerKey + "\"},\"Inner\":{\"SourceAddress\":\"10.77.0.1\",\"SourcePort\":53,\"DestinationAddress\":\""
                + innerDestination.getHostAddress() + "\",\"DestinationPort\":" + port + "}}]}";
    }

    static Optional<String> receive(Duration wait) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                receiver.receive(p);
                return Optional.of(p.getPort() + " " + new String(Arrays.copyOf(p.getData(), p.getLength()), StandardCharsets.UTF_8));
            } catch (SocketTimeoutException again) {
                // keep waiting
            }
        }
        return Optional.empty();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(what, WAIT, condition);
    }

    static boolean confirmedIn(String name, int queues) {
        Set<String> s = subscriptions(name);
        return s.size() == queues && s.stream().noneMatch(x -> x.startsWith("PendingConfirmation"));
    }

    /** Everything of demo's the attacks could touch. */
    static String demoState(String topicName) {
        Optional<Registration> r = local.registry().registration(topic(topicName));
        return r + " " + local.registry().packetSource(topic(topicName)) + " " + subscriptions(topicName);
    }

    @Test
    void attacksOnAnotherCustomersPacketSourceChangeNothing() throws Exception {
        JsonNode created = send("Create", DEMO_STACK, props(DEMO_KEY, "demo-udp", DEMO_ROLE, "demo-plain"), null, null);
        assertEquals("SUCCESS", created.get("Status").asText(), created.toString());
        String demoId = created.get("PhysicalResourceId").asText();
        await(() -> confirmedIn("demo-plain", 2), "demo's subscriptions in both regions confirmed");
        String before = demoState("demo-plain");

        // 1. Evil binds demo's Listener: refused as unknown, and the answer carries none of its data.
        JsonNode bind = send("Create", EVIL_STACK, props(EVIL_KEY, "demo-wg", EVIL_ROLE, "evil-out"), null, null);
        assertEquals("FAILED", bind.get("Status").asText());
        assertTrue(bind.get("Reason").asText().startsWith("Unknown Listener 'demo-wg'"), bind.toString());
        assertFalse(bind.toString().contains(listenerKeys.publicKey()), "never another customer's Listener key");
        // 2. Evil updates demo's resource by its physical id, to its own role and Listener.
        JsonNode update = send("Update", DEMO_STACK, props(EVIL_KEY, "evil-udp", EVIL_ROLE, "demo-plain"),
                props(DEMO_KEY, "demo-udp", DEMO_ROLE, "demo-plain"), demoId);
        assertEquals("FAILED", update.get("Status").asText(), update.toString());
        assertTrue(update.get("Reason").asText().contains("not a Packet Source of the account"), update.toString());
        // 3. Evil deletes demo's resource by its physical id.
        JsonNode delete = send("Delete", DEMO_STACK, props(EVIL_KEY, "demo-udp", DEMO_ROLE, "demo-plain"), null, demoId);
        assertEquals("SUCCESS", delete.get("Status").asText(), "a Delete never blocks a stack, and changes nothing here");
        // 4. Evil creates with demo's stack id and topic: its id names evil, the topic stays demo's.
        JsonNode take = send("Create", DEMO_STACK, props(EVIL_KEY, "evil-udp", EVIL_ROLE, "demo-plain"), null, null);
        assertEquals("FAILED", take.get("Status").asText(), take.toString());
        assertEquals(before, demoState("demo-plain"), "demo's registration and subscriptions are untouched");

        // Demo's messages still leave from demo's Listener, in both regions.
        for (String region : List.of("us-east-1", "eu-west-1")) {
            publish("demo-plain", plain("still demo's " + region), region);
            assertEquals(Optional.of(local.sender().listenerPorts().get("demo-udp") + " still demo's " + region), receive(WAIT));
        }

        // Demo's own life cycle: an Update, and a Delete, still work.
        JsonNode moved = send("Update", DEMO_STACK, props(DEMO_KEY, "demo-udp", DEMO_ROLE, "demo-tunnel"),
                props(DEMO_KEY, "demo-udp", DEMO_ROLE, "demo-plain"), demoId);
        assertEquals("SUCCESS", moved.get("Status").asText(), moved.toString());
        await(() -> confirmedIn("demo-tunnel", 2), "the new topic's subscriptions confirmed");
        assertTrue(subscriptions("demo-plain").isEmpty());
        JsonNode gone = send("Delete", DEMO_STACK, props(DEMO_KEY, "demo-udp", DEMO_ROLE, "demo-tunnel"), null, demoId);
        assertEquals("SUCCESS", gone.get("Status").asText());
        assertTrue(subscriptions("demo-tunnel").isEmpty());
        assertTrue(local.registry().packetSource(topic("demo-tunnel")).isEmpty());
    }

    /**
     * Evil owns its topic, so it could switch its subscription to raw delivery (or reach the
     * queue otherwise) and hand in an envelope naming demo's topic: unsigned, hand-signed, or no
     * envelope at all. Each is one counted BadSignature discard, and nothing leaves demo's Listener.
     */
    @Test
    void aForgedEnvelopeNamingAnotherCustomersTopicSendsNothing() throws Exception {
        JsonNode created = send("Create", DEMO_STACK, props(DEMO_KEY, "demo-udp", DEMO_ROLE, "demo-plain"), null, null);
        assertEquals("SUCCESS", created.get("Status").asText(), created.toString());
        await(() -> confirmedIn("demo-plain", 2), "demo's subscriptions confirmed");
        long before = local.metrics().byDimension(PipelineMetrics.PACKETS_DISCARDED).getOrDefault("Reason=BadSignature", 0L);
        ObjectNode forged = JSON.createObjectNode();
        forged.put("Type", "Notification");
        forged.put("MessageId", "00000000-0000-4000-8000-00000000f00d");
        forged.put("TopicArn", topic("demo-plain"));
        forged.put("Message", plain("forged"));
        forged.put("Timestamp", java.time.Instant.now().toString());
        forged.putObject("MessageAttributes").putObject("EgressRegion").put("Type", "String").put("Value", "us-east-1");
        ObjectNode handSigned = forged.deepCopy();
        handSigned.put("SignatureVersion", "1");
        handSigned.put("Signature", java.util.Base64.getEncoder().encodeToString(new byte[256]));
        handSigned.put("SigningCertURL", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-forged.pem");
        String queue = local.stack().queues().of("us-east-1").url();
        for (String body : List.of(forged.toString(), handSigned.toString(), plain("raw delivery"))) {
            local.stack().sqs("us-east-1").sendMessage(b -> b.queueUrl(queue).messageBody(body));
        }
        await(() -> local.metrics().byDimension(PipelineMetrics.PACKETS_DISCARDED)
                .getOrDefault("Reason=BadSignature", 0L) >= before + 3, "three BadSignature discards");
        assertEquals(Optional.empty(), receive(Duration.ofSeconds(2)), "nothing left demo's Listener");
        send("Delete", DEMO_STACK, props(DEMO_KEY, "demo-udp", DEMO_ROLE, "demo-plain"), null, created.get("PhysicalResourceId").asText());
    }

    /**
     * Evil publishes demo's PeerKey and an Inner block through its own Packet Source: it can
     * only send plain UDP from its own Listener, never into demo's tunnel; demo's own message
     * still comes out of the tunnel.
     */
    @Test
    void noCustomerCanInjectIntoAnothersTunnel() throws Exception {
        WireGuardPeer.requireAvailable();
        long confirmedBefore = local.metrics().total(PipelineMetrics.SUBSCRIPTIONS_CONFIRMED);
        JsonNode demo = send("Create", DEMO_STACK, props(DEMO_KEY, "demo-wg", DEMO_ROLE, "demo-tunnel"), null, null);
        assertEquals("SUCCESS", demo.get("Status").asText(), demo.toString());
        JsonNode evil = send("Create", EVIL_STACK, props(EVIL_KEY, "evil-udp", EVIL_ROLE, "evil-out"), null, null);
        assertEquals("SUCCESS", evil.get("Status").asText(), evil.toString());
        await(() -> confirmedIn("demo-tunnel", 2), "demo's subscriptions confirmed");
        await(() -> local.metrics().total(PipelineMetrics.SUBSCRIPTIONS_CONFIRMED) >= confirmedBefore + 4, "evil's subscriptions confirmed");
        InetSocketAddress listener = new InetSocketAddress("127.0.0.1", local.sender().listenerPorts().get("demo-wg"));
        try (WireGuardPeer peer = WireGuardPeer.builder().keys(peerKeys).peer(listenerKeys.publicKey(), listener)
                     .persistentKeepalive(Duration.ofSeconds(25)).start();
             InnerUdpReceiver rx = peer.receiver(peer.innerV4(), 12345)) {
            await(() -> local.sessions().get("demo-wg", peerKeys.publicKey()).isPresent(), "the peer's session");
            publish("evil-out", tunnelled("from evil", peerKeys.publicKey(), peer.innerV4(), 12345), "us-east-1");
            assertEquals(Optional.empty(), rx.receive(Duration.ofSeconds(3)), "nothing of evil's reaches demo's tunnel");
            publish("demo-tunnel", tunnelled("from demo", peerKeys.publicKey(), peer.innerV4(), 12345), "us-east-1");
            assertEquals("from demo", rx.expect(WAIT).payloadUtf8());
        }
        send("Delete", DEMO_STACK, props(DEMO_KEY, "demo-wg", DEMO_ROLE, "demo-tunnel"), null, demo.get("PhysicalResourceId").asText());
        send("Delete", EVIL_STACK, props(EVIL_KEY, "evil-udp", EVIL_ROLE, "evil-out"), null, evil.get("PhysicalResourceId").asText());
    }
}
