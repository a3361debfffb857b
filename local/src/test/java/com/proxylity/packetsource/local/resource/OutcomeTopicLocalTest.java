package com.proxylity.packetsource.local.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.registry.ApiKeys;
import com.proxylity.packetsource.core.testing.Await;
import com.proxylity.packetsource.functions.PublishOutcomes;
import com.proxylity.packetsource.local.LocalMode;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.sns.OutcomeTopics;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Customers' outcome topics on the local stack with the real SDK clients: the provider's check
 * publish and its refusals, the customer's publish through the local SNS, the pipeline's
 * PublishOutcomes publishing through the local SNS as the outcome publisher role, and the
 * summary arriving at the customer's outcome topic.
 */
class OutcomeTopicLocalTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String API_KEY = "acme.outcome-test-key-0123456789abcdefghijkl";
    static final String OTHER_KEY = "beta.outcome-test-key-0123456789abcdefghijkl";
    static final String EXTERNAL_ID = "psx-acme-outcomes";
    static final String ROLE = "arn:aws:iam::111122223333:role/proxylity-subscriber";
    /** A topic of the other customer's account: acme may never name it. */
    static final String BETA_TOPIC = "arn:aws:sns:us-east-1:444455556666:beta-outcomes";

    static LocalMode local;
    static ResourceClient cloudFormation;
    static SnsClient publisher;
    static DatagramSocket receiver;

    @BeforeAll
    static void start() throws Exception {
        String yaml = """
            regions: [us-east-1]
            queues: {visibilityTimeoutSeconds: 1, maxReceiveCount: 3, batchSize: 10}
            listeners:
              - {name: udp1, protocol: udp, owner: acme}
            packetSources:
              - {topic: preset, customer: acme, listener: udp1, outcomeTopic: closed-outcomes}
            customerTopics: [orders, refused, denied, later]
            outcomeTopics:
              - {topic: acme-outcomes}
              - {topic: closed-outcomes, grantsPublisher: false}
            customers:
              - {id: acme, apiKeySha256: %s, externalId: %s, accounts: ["000000000000", "111122223333"]}
              - {id: beta, apiKeySha256: %s, externalId: psx-beta, accounts: ["444455556666"]}
            roles:
              - arn: %s
                externalId: %s
                actions: [sns:Subscribe, sns:Unsubscribe, sns:ListSubscriptionsByTopic]
                topics: [orders, refused, denied, later]
            """.formatted(ApiKeys.sha256(API_KEY), EXTERNAL_ID, ApiKeys.sha256(OTHER_KEY), ROLE, EXTERNAL_ID);
        LocalConfig cfg = LocalConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        local = LocalMode.start(cfg, WireGuardPorts.NONE, null);
        cloudFormation = new ResourceClient(local.resourceEndpoint());
        publisher = LocalCustomer.publisher(local);
        receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        receiver.setSoTimeout(20_000);
    }

    @AfterAll
    static void stop() {
        if (receiver != null) receiver.close();
        if (publisher != null) publisher.close();
        if (cloudFormation != null) cloudFormation.close();
        if (local != null) local.close();
    }

    static String topic(String name) {
        return local.config().topicArn(name);
    }

    static ObjectNode properties(String topicName, String outcomeTopicArn) {
        ObjectNode p = JSON.createObjectNode();
        p.put("ServiceToken", "arn:aws:lambda:us-east-1:000000000000:function:PacketSourceResource");
        p.put("ApiKey", API_KEY);
        p.put("ListenerName", "udp1");
        p.put("OutcomeTopicArn", outcomeTopicArn);
        p.putObject("SnsTopicSource").put("Role", ROLE).put("TopicArn", topic(topicName));
        return p;
    }

    static List<JsonNode> received(String outcomeTopic, String type) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (OutcomeTopics.Delivered d : local.stack().outcomeTopics().delivered(outcomeTopic)) {
            JsonNode n = JSON.readTree(d.message());
            if (type.equals(n.path("Type").asText())) out.add(n);
        }
        return out;
    }

    static String publish(String topicName, String entries) {
        String body = "{\"Messages\":[" + entries + "]}";
        return publisher.publish(b -> b.topicArn(topic(topicName)).message(body).messageAttributes(Map.of("EgressRegion",
                MessageAttributeValue.builder().dataType("String").stringValue("us-east-1").build()))).messageId();
    }

    static String entry(String data, String formatter) {
        return "{\"Data\":\"" + data + "\",\"Formatter\":\"" + formatter + "\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":"
                + receiver.getLocalPort() + "}}";
    }

    static String datagram() throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        receiver.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }

    @Test
    void aBadEntryArrivesAtTheCustomersOutcomeTopicAsOneSummaryNamingItsSnsMessageId() throws Exception {
        String outcomes = topic("acme-outcomes");
        JsonNode created = cloudFormation.send("Create", properties("orders", outcomes), null, null, null, "Reported");
        assertEquals("SUCCESS", created.get("Status").asText(), created.toString());
        assertEquals(1, received(outcomes, "OutcomeTopicVerified").size(), "the provider proved the topic takes summaries");
        assertEquals(outcomes, local.registry().packetSource(topic("orders")).orElseThrow().outcomeTopicArn(),
                "stored on the Packet Source's registry row");
        Await.until("subscription confirmed", () -> local.stack().fanout().subscriptions(topic("orders")).stream()
                .allMatch(com.proxylity.packetsource.local.sns.Subscription::confirmed));

        String messageId = publish("orders", entry("hello", "utf8") + "," + entry("zz", "hex"));

        assertEquals("hello", datagram());
        Await.until("a summary at the outcome topic", () -> {
            try {
                return !received(outcomes, "PacketSourceOutcomes").isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<JsonNode> summaries = received(outcomes, "PacketSourceOutcomes");
        assertEquals(1, summaries.size(), summaries::toString);
        JsonNode s = summaries.get(0);
        assertEquals(topic("orders"), s.get("TopicArn").asText());
        assertEquals("us-east-1", s.get("Region").asText());
        assertEquals(1, s.get("Counts").get("Delivered").asLong());
        assertEquals(1, s.get("Counts").get("DecodeError").asLong());
        assertEquals(messageId + "/1", s.get("Discards").get(0).get("Id").asText(),
                "the MessageId the customer's Publish returned, and the entry's index");
        assertFalse(s.toString().contains("127.0.0.1"), "no address in a summary: " + s);
    }

    @Test
    void anotherCustomersTopicIsRefusedBeforeAnythingIsDone() throws Exception {
        JsonNode r = cloudFormation.send("Create", properties("refused", BETA_TOPIC), null, null, null, "Foreign");
        assertEquals("FAILED", r.get("Status").asText(), r.toString());
        assertTrue(r.get("Reason").asText().startsWith("OutcomeTopicArn '" + BETA_TOPIC + "' is not in an AWS account of your"),
                r.toString());
        assertTrue(local.registry().packetSource(topic("refused")).isEmpty(), "nothing registered");
        assertEquals(List.of(), local.stack().fanout().subscriptions(topic("refused")), "nothing subscribed");
    }

    @Test
    void aTopicWhosePolicyDoesNotGrantThePublisherFailsWithTheStatementToAdd() throws Exception {
        String closed = topic("closed-outcomes");
        JsonNode r = cloudFormation.send("Create", properties("denied", closed), null, null, null, "Denied");
        assertEquals("FAILED", r.get("Status").asText(), r.toString());
        String reason = r.get("Reason").asText();
        // Every region's publisher role: the account as principal, the role names as a condition.
        assertTrue(reason.contains("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::000000000000:root\"},"
                + "\"Action\":\"sns:Publish\",\"Resource\":\"" + closed + "\",\"Condition\":{\"ArnLike\":{\"aws:PrincipalArn\":"
                + "\"arn:aws:iam::000000000000:role/packet-source-PublishOutcomes-*\"}}}"), reason);
        assertTrue(local.registry().packetSource(topic("denied")).isEmpty(), "nothing registered");
        assertEquals(List.of(), local.stack().fanout().subscriptions(topic("denied")), "nothing subscribed");
    }

    @Test
    void anUpdateAddsChangesAndRemovesTheOutcomeTopicInPlace() throws Exception {
        String outcomes = topic("acme-outcomes");
        ObjectNode without = properties("later", null);
        without.remove("OutcomeTopicArn");
        JsonNode created = cloudFormation.send("Create", without, null, null, null, "Later");
        assertEquals("SUCCESS", created.get("Status").asText(), created.toString());
        String id = created.get("PhysicalResourceId").asText();
        assertEquals(null, local.registry().packetSource(topic("later")).orElseThrow().outcomeTopicArn());
        List<com.proxylity.packetsource.local.sns.Subscription> subscriptions = local.stack().fanout().subscriptions(topic("later"));

        int verified = received(outcomes, "OutcomeTopicVerified").size();
        JsonNode added = cloudFormation.send("Update", properties("later", outcomes), without, id, null, "Later");
        assertEquals("SUCCESS", added.get("Status").asText(), added.toString());
        assertEquals(id, added.get("PhysicalResourceId").asText());
        assertEquals(outcomes, local.registry().packetSource(topic("later")).orElseThrow().outcomeTopicArn());
        assertEquals(verified + 1, received(outcomes, "OutcomeTopicVerified").size(), "checked again on Update");
        assertEquals(subscriptions, local.stack().fanout().subscriptions(topic("later")), "the subscriptions untouched");

        JsonNode refused = cloudFormation.send("Update", properties("later", topic("closed-outcomes")), properties("later", outcomes),
                id, null, "Later");
        assertEquals("FAILED", refused.get("Status").asText(), refused.toString());
        assertEquals(outcomes, local.registry().packetSource(topic("later")).orElseThrow().outcomeTopicArn(),
                "a refused Update leaves the registration as it was");

        JsonNode removed = cloudFormation.send("Update", without, properties("later", outcomes), id, null, "Later");
        assertEquals("SUCCESS", removed.get("Status").asText(), removed.toString());
        assertEquals(null, local.registry().packetSource(topic("later")).orElseThrow().outcomeTopicArn());
    }

    @Test
    void aSummaryThatCannotBePublishedIsCountedAndThePacketsStillLeave() throws Exception {
        // Refused by the topic's policy: the customer's to fix, counted apart from the alarmed failures.
        long failedBefore = local.metrics().total(PublishOutcomes.OUTCOME_PUBLISH_DENIED);
        publish("preset", entry("still sent", "utf8"));
        assertEquals("still sent", datagram());
        Await.until("the failed publish counted", () ->
                local.metrics().total(PublishOutcomes.OUTCOME_PUBLISH_DENIED) == failedBefore + 1);
        // The Pipe's answer had no failure: SQS deletes the record rather than delivering it again.
        Await.until("the record deleted, not retried", () -> local.stack().queues().client("us-east-1").getQueueAttributes(b -> b
                .queueUrl(local.stack().queues().of("us-east-1").url())
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings().values().stream().mapToInt(Integer::parseInt).sum() == 0);
    }
}
