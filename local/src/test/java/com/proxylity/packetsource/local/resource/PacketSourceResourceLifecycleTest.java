package com.proxylity.packetsource.local.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.registry.ApiKeys;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.local.LocalMode;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sts.StsClient;
import com.proxylity.packetsource.core.testing.Await;

/**
 * The Custom::ProxylityUdpGatewayPacketSource life cycle on the local stack, as CloudFormation
 * drives it ({@link ResourceClient}: the request to the provider, the response read from the
 * ResponseURL), with the real SDK v2 clients everywhere: the provider's StsClient and SnsClient
 * against the local STS and SNS, Validate's SnsClient confirming the SubscriptionConfirmation,
 * and this test's own StsClient/SnsClient to publish and to list subscriptions as the customer.
 */
class PacketSourceResourceLifecycleTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String API_KEY = "acme.lifecycle-test-key-0123456789abcdefghij";
    static final String EXTERNAL_ID = "psx-acme-1";
    static final String ROLE = "arn:aws:iam::111122223333:role/proxylity-subscriber";
    static final String ROLE_NO_SUBSCRIBE = "arn:aws:iam::111122223333:role/list-only";
    static final String ROLE_OTHER_TRUST = "arn:aws:iam::111122223333:role/trusts-someone-else";

    static LocalMode local;
    static ResourceClient cloudFormation;
    static SnsClient publisher;
    static SnsClient customer;
    static DatagramSocket receiver;

    @BeforeAll
    static void start() throws Exception {
        String yaml = """
            regions: [us-east-1, eu-west-1]
            queues: {visibilityTimeoutSeconds: 1, maxReceiveCount: 3, batchSize: 10}
            listeners:
              - {name: udp1, protocol: udp, owner: acme}
            customerTopics: [orders, orders-v2, twice, locked, cli, everywhere]
            customers:
              - {id: acme, apiKeySha256: %s, externalId: %s, accounts: ["000000000000", "111122223333"]}
            roles:
              - arn: %s
                externalId: %s
                actions: [sns:Subscribe, sns:Unsubscribe, sns:ListSubscriptionsByTopic]
                topics: [orders, orders-v2, twice, locked, cli, everywhere]
              - {arn: %s, externalId: %s, actions: [sns:ListSubscriptionsByTopic], topics: [locked]}
              - {arn: %s, externalId: psx-someone-else, actions: [sns:Subscribe], topics: ["*"]}
            """.formatted(ApiKeys.sha256(API_KEY), EXTERNAL_ID, ROLE, EXTERNAL_ID, ROLE_NO_SUBSCRIBE, EXTERNAL_ID, ROLE_OTHER_TRUST);
        LocalConfig cfg = LocalConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        local = LocalMode.start(cfg, WireGuardPorts.NONE, null);
        cloudFormation = new ResourceClient(local.resourceEndpoint());
        publisher = LocalCustomer.publisher(local);
        customer = LocalCustomer.asRole(local, ROLE, EXTERNAL_ID);
        receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        receiver.setSoTimeout(200);
    }

    @AfterAll
    static void stop() {
        if (receiver != null) receiver.close();
        if (customer != null) customer.close();
        if (publisher != null) publisher.close();
        if (cloudFormation != null) cloudFormation.close();
        if (local != null) local.close();
    }

    static String topic(String name) {
        return local.config().topicArn(name);
    }

    static ObjectNode properties(String topicName, String role, String apiKey, String listener) {
        ObjectNode p = JSON.createObjectNode();
        p.put("ServiceToken", "arn:aws:lambda:us-east-1:000000000000:function:PacketSourceResource");
        p.put("ApiKey", apiKey);
        p.put("ListenerName", listener);
        p.put("Enabled", "true");
        p.put("Formatter", "utf8");
        p.putObject("SnsTopicSource").put("Role", role).put("TopicArn", topic(topicName));
        return p;
    }

    static ObjectNode properties(String topicName) {
        return properties(topicName, ROLE, API_KEY, "udp1");
    }

    static JsonNode send(String type, JsonNode props, JsonNode old, String physicalId, String logicalId) throws Exception {
        JsonNode r = cloudFormation.send(type, props, old, physicalId, null, logicalId);
        assertTrue(r.toString().getBytes(StandardCharsets.UTF_8).length <= 4096);
        return r;
    }

    static List<Subscription> subscriptions(String name) {
        return customer.listSubscriptionsByTopicPaginator(b -> b.topicArn(topic(name))).subscriptions().stream().toList();
    }

    static boolean allConfirmed(String name, int count) {
        List<Subscription> s = subscriptions(name);
        return s.size() == count && s.stream().noneMatch(x -> x.subscriptionArn().equals("PendingConfirmation"));
    }

    static void publish(String name, String payload) {
        publish(name, payload, "us-east-1");
    }

    static void publish(String name, String payload, String egressRegion) {
        String body = "{\"Messages\":[{\"Data\":\"" + payload + "\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":"
                + receiver.getLocalPort() + ",\"PeerKey\":null},\"Inner\":null}]}";
        publisher.publish(b -> b.topicArn(topic(name)).message(body).messageAttributes(Map.of("EgressRegion",
                MessageAttributeValue.builder().dataType("String").stringValue(egressRegion).build())));
    }

    static String receive() throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                receiver.receive(p);
                assertEquals((int) local.sender().listenerPorts().get("udp1"), p.getPort(), "sent from the Listener's port");
                return new String(Arrays.copyOf(p.getData(), p.getLength()), StandardCharsets.UTF_8);
            } catch (SocketTimeoutException again) {
                // keep waiting
            }
        }
        throw new AssertionError("no datagram within 20 s");
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(what, condition);
    }

    static long confirmed() {
        return local.metrics().total(PipelineMetrics.SUBSCRIPTIONS_CONFIRMED);
    }

    @Test
    void createConfirmUpdateDelete() throws Exception {
        long confirmedBefore = confirmed();
        JsonNode created = send("Create", properties("orders"), null, null, "Lifecycle");
        assertEquals("SUCCESS", created.get("Status").asText(), created.toString());
        String id = created.get("PhysicalResourceId").asText();
        JsonNode data = created.get("Data");
        assertEquals("127.0.0.1", data.get("ListenerAddress").asText());
        assertEquals(local.sender().listenerPorts().get("udp1").toString(), data.get("ListenerPort").asText());
        List<String> arns = List.of(data.get("SubscriptionArns").asText().split(","));
        assertEquals(2, arns.size(), "one subscription per regional delivery queue");

        // Pending until the pipeline's Validate confirmed the SubscriptionConfirmation of each queue.
        await(() -> allConfirmed("orders", 2), "both subscriptions confirmed");
        await(() -> confirmed() >= confirmedBefore + 2, "confirmations counted by the pipeline's Validate");
        assertEquals(Set(arns), Set(subscriptions("orders").stream().map(Subscription::subscriptionArn).toList()));
        publish("orders", "v1");
        assertEquals("v1", receive());

        JsonNode updated = send("Update", properties("orders-v2"), properties("orders"), id, "Lifecycle");
        assertEquals("SUCCESS", updated.get("Status").asText(), updated.toString());
        assertEquals(id, updated.get("PhysicalResourceId").asText(), "a new topic updates in place");
        assertTrue(subscriptions("orders").isEmpty(), "the old topic is unsubscribed");
        await(() -> allConfirmed("orders-v2", 2), "new subscriptions confirmed");
        long filtered = local.stack().fanout().filtered();
        publish("orders", "old");
        assertEquals(filtered + 1, local.stack().fanout().filtered(), "the old topic's message reaches no queue");
        publish("orders-v2", "v2");
        assertEquals("v2", receive());

        JsonNode deleted = send("Delete", properties("orders-v2"), null, id, "Lifecycle");
        assertEquals("SUCCESS", deleted.get("Status").asText(), deleted.toString());
        assertTrue(subscriptions("orders-v2").isEmpty(), "no subscription is left");
        assertTrue(local.registry().packetSource(topic("orders-v2")).isEmpty(), "deregistered");
        filtered = local.stack().fanout().filtered();
        publish("orders-v2", "after-delete");
        assertEquals(filtered + 1, local.stack().fanout().filtered(), "nothing reaches a queue after the delete");
        JsonNode again = send("Delete", properties("orders-v2"), null, id, "Lifecycle");
        assertEquals("SUCCESS", again.get("Status").asText(), "a second delete finds everything gone and succeeds");
    }

    /**
     * Across the boundary where a second region used to drop everything: the provider subscribes
     * each region's queue with a filter on that queue's own region, both subscriptions are
     * confirmed, and a message for each region leaves through that region's pipeline. Every
     * region reads the one registry (the global table; here the shared in-memory registry).
     */
    @Test
    void aPacketSourceCreatedOnceDeliversInEveryServedRegion() throws Exception {
        long malformed = discarded("MalformedMessage");
        long unknown = discarded("UnknownTopic");
        JsonNode created = send("Create", properties("everywhere"), null, null, "Everywhere");
        assertEquals("SUCCESS", created.get("Status").asText(), created.toString());
        await(() -> allConfirmed("everywhere", 2), "the subscription of each region's queue confirmed");
        for (com.proxylity.packetsource.local.sns.Subscription s : local.stack().fanout().subscriptions(topic("everywhere"))) {
            String queueRegion = s.queueArn().split(":")[3];
            assertEquals(s.region(), queueRegion, "the queue's ARN names the region it is in: " + s.queueArn());
            assertEquals(Map.of("EgressRegion", List.of(queueRegion)), s.filterPolicy(), s.queueArn());
        }
        long filtered = local.stack().fanout().filtered();
        publish("everywhere", "from-us", "us-east-1");
        publish("everywhere", "from-eu", "eu-west-1");
        assertEquals(Set(List.of("from-us", "from-eu")), Set(List.of(receive(), receive())));
        assertEquals(filtered, local.stack().fanout().filtered(), "no region's message was filtered");
        assertEquals(malformed, discarded("MalformedMessage"), "no region received the other's message");
        assertEquals(unknown, discarded("UnknownTopic"), "every region knows the Packet Source");
        send("Delete", properties("everywhere"), null, created.get("PhysicalResourceId").asText(), "Everywhere");
    }

    static long discarded(String reason) {
        return local.metrics().byDimension(PipelineMetrics.PACKETS_DISCARDED).getOrDefault(PipelineMetrics.REASON + "=" + reason, 0L);
    }

    @Test
    void createTwiceIsOneSubscriptionPerQueue() throws Exception {
        JsonNode a = send("Create", properties("twice"), null, null, "Twice");
        JsonNode b = send("Create", properties("twice"), null, null, "Twice");
        assertEquals("SUCCESS", a.get("Status").asText(), a.toString());
        assertEquals(a.get("PhysicalResourceId"), b.get("PhysicalResourceId"));
        assertEquals(a.get("Data").get("SubscriptionArns"), b.get("Data").get("SubscriptionArns"));
        assertEquals(2, subscriptions("twice").size(), "ListSubscriptionsByTopic: one per regional queue, no duplicate");
        send("Delete", properties("twice"), null, a.get("PhysicalResourceId").asText(), "Twice");
        assertTrue(subscriptions("twice").isEmpty());
    }

    @Test
    void wrongExternalIdFailsNamingTheTrustCondition() throws Exception {
        JsonNode r = send("Create", properties("locked", ROLE_OTHER_TRUST, API_KEY, "udp1"), null, null, "WrongTrust");
        assertEquals("FAILED", r.get("Status").asText());
        String reason = r.get("Reason").asText();
        assertTrue(reason.startsWith("AccessDenied on sts:AssumeRole of " + ROLE_OTHER_TRUST), reason);
        assertTrue(reason.contains("sts:ExternalId = " + EXTERNAL_ID) && reason.contains("DependsOn"), reason);
        assertFalse(local.registry().packetSource(topic("locked")).isPresent());
        assertEquals("SUCCESS", send("Delete", properties("locked", ROLE_OTHER_TRUST, API_KEY, "udp1"), null,
                r.get("PhysicalResourceId").asText(), "WrongTrust").get("Status").asText(), "the failed create's delete succeeds");
    }

    @Test
    void roleWithoutSubscribeFailsNamingThePermission() throws Exception {
        JsonNode r = send("Create", properties("locked", ROLE_NO_SUBSCRIBE, API_KEY, "udp1"), null, null, "NoSubscribe");
        assertEquals("FAILED", r.get("Status").asText());
        String reason = r.get("Reason").asText();
        assertTrue(reason.startsWith("AccessDenied on sns:Subscribe: role " + ROLE_NO_SUBSCRIBE), reason);
        assertTrue(reason.contains("sns:Subscribe, sns:Unsubscribe and sns:ListSubscriptionsByTopic") && reason.contains("DependsOn"), reason);
        assertTrue(subscriptions("locked").isEmpty());
        assertFalse(local.registry().packetSource(topic("locked")).isPresent(), "a failed create leaves no registration");
    }

    @Test
    void badApiKeyFails() throws Exception {
        JsonNode r = send("Create", properties("locked", ROLE, "acme.not-the-key-0123456789abcdefghijklmn", "udp1"), null, null, "BadKey");
        assertEquals("FAILED", r.get("Status").asText());
        assertTrue(r.get("Reason").asText().startsWith("ApiKey is invalid"), r.toString());
        assertTrue(subscriptions("locked").isEmpty());
    }

    @Test
    void unknownListenerFails() throws Exception {
        JsonNode r = send("Create", properties("locked", ROLE, API_KEY, "nope"), null, null, "NoListener");
        assertEquals("FAILED", r.get("Status").asText());
        assertTrue(r.get("Reason").asText().startsWith("Unknown Listener 'nope'"), r.toString());
        assertTrue(subscriptions("locked").isEmpty());
    }

    @Test
    void resourceCommandPrintsWhatCloudFormationWouldReceive(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path props = dir.resolve("props.json");
        java.nio.file.Files.writeString(props, properties("cli").toString());
        String endpoint = local.resourceEndpoint().toString();
        String[] out = new String[1];
        int created = runCli(out, "create", "--endpoint", endpoint, "--logical-id", "Cli", props.toString());
        JsonNode r = JSON.readTree(out[0]);
        assertEquals(0, created, out[0]);
        assertEquals("SUCCESS", r.get("Status").asText());
        String id = r.get("PhysicalResourceId").asText();
        assertEquals(2, subscriptions("cli").size());
        assertEquals(0, runCli(out, "delete", "--endpoint", endpoint, "--logical-id", "Cli", "--physical-id", id, props.toString()));
        assertTrue(subscriptions("cli").isEmpty());

        java.nio.file.Files.writeString(props, properties("cli", ROLE, API_KEY, "nope").toString());
        assertEquals(1, runCli(out, "create", "--endpoint", endpoint, "--logical-id", "CliBad", props.toString()), "FAILED exits 1");
        assertTrue(JSON.readTree(out[0]).get("Reason").asText().startsWith("Unknown Listener"), out[0]);
        assertEquals(2, runCli(out, "update", "--endpoint", endpoint, props.toString()), "update without --physical-id is a usage error");
    }

    static int runCli(String[] out, String... args) {
        java.io.PrintStream saved = System.out;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            return new picocli.CommandLine(new com.proxylity.packetsource.local.cmd.ResourceCommand()).execute(args);
        } finally {
            System.setOut(saved);
            out[0] = buf.toString(StandardCharsets.UTF_8);
        }
    }

    static <T> java.util.Set<T> Set(List<T> l) {
        return new java.util.HashSet<>(l);
    }
}
