package com.proxylity.packetsource.functions.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.outcomes.OutcomeSubjects;
import com.proxylity.packetsource.core.registry.ApiKeys;
import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.functions.PacketSourceResource;
import com.proxylity.packetsource.functions.outcomes.OutcomePublisher;
import com.proxylity.packetsource.functions.testing.ResponseUrlServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handler end to end as Lambda runs it: a CloudFormation event in, the body PUT to the
 * ResponseURL (a loopback server here) read back. AWS STS and SNS are replaced by
 * {@link RecordingAccounts}, which answers as AWS documents (AccessDenied, the same ARN for the
 * same endpoint and attributes); the real SDK against the local STS/SNS endpoints is exercised by
 * the local module's life-cycle test.
 */
class PacketSourceResourceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String STACK = "arn:aws:cloudformation:us-east-1:111122223333:stack/app/5b2c3a30-1d5e-11ef-9e4a-0a1b2c3d4e5f";

    ResponseUrlServer s3;
    InMemoryRegistry registry;
    RecordingAccounts accounts;
    PacketSourceResource handler;
    List<String> queues;

    @BeforeEach
    void setUp() throws Exception {
        s3 = new ResponseUrlServer();
        registry = new InMemoryRegistry();
        registry.put(new Listener("edge-udp", ListenerType.UDP, 4242, List.of("198.51.100.7"), null, "http://sender").ownedBy("acme"));
        registry.put(new Listener("edge-wg", ListenerType.WG, 51820, List.of("198.51.100.8"), "cHVibGljLWtleS1iYXNlNjQtMzItYnl0ZXMtbG9uZyE=", "http://sender").ownedBy("acme"));
        registry.put(new Customer("acme", ApiKeys.sha256(ResourcePropertiesTest.KEY), "psx-acme-7f3a", java.util.Set.of("111122223333")));
        accounts = new RecordingAccounts("psx-acme-7f3a");
        queues = List.of("arn:aws:sqs:us-east-1:999999999999:packet-source-delivery-us-east-1",
                "arn:aws:sqs:eu-west-1:999999999999:packet-source-delivery-eu-west-1");
        handler = new PacketSourceResource(new PacketSourceLifecycle(registry, accounts,
                new PacketSourceLifecycle.Settings(ResourcePropertiesTest.SERVED, queues)), ResponseUrls.loopbackOnly());
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    CloudFormationCustomResourceEvent event(String type, Map<String, Object> props, String physicalId, Map<String, Object> old) {
        return CfnTestEvents.event(type, STACK, s3.url("/cfn-response/" + type + "?X-Amz-Signature=abc"), props, physicalId, old);
    }

    JsonNode send(CloudFormationCustomResourceEvent e) throws Exception {
        handler.handleRequest(e, new TestContext());
        byte[] body = s3.next().body();
        assertTrue(body.length <= ResponseLimits.MAX_BODY_BYTES, "body of " + body.length + " bytes");
        return JSON.readTree(body);
    }

    @Test
    void createSubscribesEveryRegionalQueueAndReportsTheOutputs() throws Exception {
        JsonNode r = send(event("Create", ResourcePropertiesTest.valid(), null, null));
        assertEquals("SUCCESS", r.get("Status").asText(), r.toString());
        assertTrue(r.get("PhysicalResourceId").asText().startsWith("psrc-"));
        assertEquals(STACK, r.get("StackId").asText());
        assertEquals("req-Create", r.get("RequestId").asText());
        JsonNode d = r.get("Data");
        assertEquals("198.51.100.7", d.get("ListenerAddress").asText());
        assertEquals("4242", d.get("ListenerPort").asText());
        assertEquals("2", d.get("SubscriptionCount").asText());
        assertEquals(2, d.get("SubscriptionArns").asText().split(",").length);
        assertEquals(List.of("{\"EgressRegion\":[\"us-east-1\"]}", "{\"EgressRegion\":[\"eu-west-1\"]}"), accounts.filterPolicies);
        assertTrue(registry.packetSource(ResourcePropertiesTest.TOPIC).isPresent());
    }

    @Test
    void createTwiceIsOneResourceAndOneSubscriptionPerQueue() throws Exception {
        JsonNode a = send(event("Create", ResourcePropertiesTest.valid(), null, null));
        JsonNode b = send(event("Create", ResourcePropertiesTest.valid(), null, null));
        assertEquals(a.get("PhysicalResourceId"), b.get("PhysicalResourceId"));
        assertEquals(a.get("Data"), b.get("Data"));
        assertEquals(2, accounts.subscriptions.size());
    }

    @Test
    void unknownListener() throws Exception {
        Map<String, Object> p = ResourcePropertiesTest.valid();
        p.put("ListenerName", "nope");
        JsonNode r = send(event("Create", p, null, null));
        assertEquals("FAILED", r.get("Status").asText());
        assertTrue(r.get("Reason").asText().startsWith("Unknown Listener 'nope'"), r.toString());
        assertTrue(r.get("PhysicalResourceId").asText().startsWith("psrc-"), "never the log stream name");
        assertTrue(accounts.subscriptions.isEmpty());
    }

    @Test
    void wrongApiKeyAndUnknownCustomerReadTheSame() throws Exception {
        Map<String, Object> p = ResourcePropertiesTest.valid();
        p.put("ApiKey", "acme.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
        JsonNode wrong = send(event("Create", p, null, null));
        p.put("ApiKey", "other.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
        JsonNode unknown = send(event("Create", p, null, null));
        assertEquals("FAILED", wrong.get("Status").asText());
        assertEquals(wrong.get("Reason"), unknown.get("Reason"));
        assertTrue(wrong.get("Reason").asText().startsWith("ApiKey is invalid"));
        assertEquals(0, accounts.assumed, "no AssumeRole before the customer is authenticated");
    }

    @Test
    void assumeRoleDeniedNamesTheTrustConditionAndDependsOn() throws Exception {
        accounts.trustExternalId = "psx-someone-else";
        JsonNode r = send(event("Create", ResourcePropertiesTest.valid(), null, null));
        String reason = r.get("Reason").asText();
        assertEquals("FAILED", r.get("Status").asText());
        assertTrue(reason.contains("AccessDenied on sts:AssumeRole"), reason);
        assertTrue(reason.contains("sts:ExternalId = psx-acme-7f3a"), reason);
        assertTrue(reason.contains("DependsOn"), reason);
        assertTrue(registry.registration(ResourcePropertiesTest.TOPIC).isEmpty());
    }

    @Test
    void subscribeDeniedNamesThePermissionAndRollsBack() throws Exception {
        accounts.denySubscribeAfter = 1;
        JsonNode r = send(event("Create", ResourcePropertiesTest.valid(), null, null));
        String reason = r.get("Reason").asText();
        assertTrue(reason.contains("AccessDenied on sns:Subscribe"), reason);
        assertTrue(reason.contains(ResourcePropertiesTest.TOPIC) && reason.contains("DependsOn"), reason);
        assertTrue(registry.registration(ResourcePropertiesTest.TOPIC).isEmpty(), "a failed create leaves no registration");
        assertTrue(accounts.subscriptions.isEmpty(), "nor the subscription it made before the denial");
        JsonNode d = send(event("Delete", ResourcePropertiesTest.valid(), r.get("PhysicalResourceId").asText(), null));
        assertEquals("SUCCESS", d.get("Status").asText(), "the delete of a failed create succeeds");
    }

    @Test
    void updateOfFormatterTouchesOnlyTheRegistry() throws Exception {
        JsonNode c = send(event("Create", ResourcePropertiesTest.valid(), null, null));
        int calls = accounts.assumed;
        Map<String, Object> p = ResourcePropertiesTest.valid();
        p.put("Formatter", "hex");
        p.put("Enabled", "false");
        JsonNode u = send(event("Update", p, c.get("PhysicalResourceId").asText(), ResourcePropertiesTest.valid()));
        assertEquals("SUCCESS", u.get("Status").asText(), u.toString());
        assertEquals(c.get("PhysicalResourceId"), u.get("PhysicalResourceId"));
        assertEquals(calls, accounts.assumed);
        assertEquals("hex", registry.packetSource(ResourcePropertiesTest.TOPIC).orElseThrow().formatter());
        assertFalse(registry.packetSource(ResourcePropertiesTest.TOPIC).orElseThrow().enabled());
    }

    @Test
    void aNewListenerUpdatesInPlaceAndTouchesOnlyTheRegistry() throws Exception {
        JsonNode c = send(event("Create", ResourcePropertiesTest.valid(), null, null));
        String id = c.get("PhysicalResourceId").asText();
        int calls = accounts.assumed;
        Map<String, Object> p = ResourcePropertiesTest.valid();
        p.put("ListenerName", "edge-wg");
        JsonNode u = send(event("Update", p, id, ResourcePropertiesTest.valid()));
        assertEquals("SUCCESS", u.get("Status").asText(), u.toString());
        assertEquals(id, u.get("PhysicalResourceId").asText(), "in place: CloudFormation undoes it with another Update");
        assertEquals("cHVibGljLWtleS1iYXNlNjQtMzItYnl0ZXMtbG9uZyE=", u.get("Data").get("ListenerPublicKey").asText());
        assertEquals(calls, accounts.assumed, "same topic and role: no SNS call");
        assertEquals("edge-wg", registry.packetSource(ResourcePropertiesTest.TOPIC).orElseThrow().listenerName());
        assertEquals(2, accounts.subscriptions.size());
    }

    @Test
    void aTopicRegisteredByHandIsNeitherTakenNorUnsubscribed() throws Exception {
        registry.put(new com.proxylity.packetsource.core.registry.PacketSource(ResourcePropertiesTest.TOPIC, "edge-udp", true, null, 0, 0));
        accounts.subscriptions.put(ResourcePropertiesTest.TOPIC + "|" + queues.get(0), ResourcePropertiesTest.TOPIC + ":seeded");
        JsonNode c = send(event("Create", ResourcePropertiesTest.valid(), null, null));
        assertEquals("FAILED", c.get("Status").asText());
        assertTrue(c.get("Reason").asText().contains("already feeds another Packet Source"), c.toString());
        JsonNode d = send(event("Delete", ResourcePropertiesTest.valid(), c.get("PhysicalResourceId").asText(), null));
        assertEquals("SUCCESS", d.get("Status").asText());
        assertEquals(1, accounts.subscriptions.size(), "the hand-registered topic keeps its subscription");
        assertTrue(registry.packetSource(ResourcePropertiesTest.TOPIC).isPresent());
    }

    @Test
    void deleteTwiceAndDeleteOfGarbageSucceed() throws Exception {
        JsonNode c = send(event("Create", ResourcePropertiesTest.valid(), null, null));
        String id = c.get("PhysicalResourceId").asText();
        assertEquals("SUCCESS", send(event("Delete", ResourcePropertiesTest.valid(), id, null)).get("Status").asText());
        assertTrue(accounts.subscriptions.isEmpty());
        assertTrue(registry.packetSource(ResourcePropertiesTest.TOPIC).isEmpty());
        assertEquals("SUCCESS", send(event("Delete", ResourcePropertiesTest.valid(), id, null)).get("Status").asText());
        assertEquals("SUCCESS", send(event("Delete", Map.of("Junk", "x"), "whatever", null)).get("Status").asText());
    }

    @Test
    void ourOwnFailureIsFailedWithAReasonAndTheSameIdAsTheCreate() throws Exception {
        String expected = send(event("Create", ResourcePropertiesTest.valid(), null, null)).get("PhysicalResourceId").asText();
        accounts.failUnexpectedly = true;
        JsonNode r = send(event("Create", ResourcePropertiesTest.valid(), null, null));
        assertEquals("FAILED", r.get("Status").asText());
        assertTrue(r.get("Reason").asText().startsWith("Internal error at Proxylity (request req-Create)"), r.toString());
        assertEquals(expected, r.get("PhysicalResourceId").asText(), "so the Delete after it cleans up what the Create left");
        assertEquals("SUCCESS", send(event("Delete", ResourcePropertiesTest.valid(), expected, null)).get("Status").asText(),
                "a Delete succeeds even when something fails underneath");
    }

    @Test
    void manySubscriptionsStillFitTheResponseLimit() throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 60; i++) many.add("arn:aws:sqs:us-east-1:999999999999:packet-source-delivery-us-east-1-" + i);
        handler = new PacketSourceResource(new PacketSourceLifecycle(registry, accounts,
                new PacketSourceLifecycle.Settings(ResourcePropertiesTest.SERVED, many)), ResponseUrls.loopbackOnly());
        JsonNode r = send(event("Create", ResourcePropertiesTest.valid(), null, null));
        assertEquals("SUCCESS", r.get("Status").asText());
        assertEquals("60", r.get("Data").get("SubscriptionCount").asText(), "the count stays exact");
        assertEquals("true", r.get("Data").get("SubscriptionArnsTruncated").asText());
        assertEquals("4242", r.get("Data").get("ListenerPort").asText(), "the Listener outputs are kept");
    }

    @Test
    void boundsTheBodyWhateverTheReasonAndIds() {
        String longStack = STACK + "x".repeat(900);
        ResponseLimits.Echo echo = new ResponseLimits.Echo(longStack, "r".repeat(200), "L".repeat(255));
        Map<String, String> data = new LinkedHashMap<>();
        data.put("SubscriptionArns", String.join(",", java.util.Collections.nCopies(80, "arn:aws:sns:us-east-1:111122223333:t:" + "9".repeat(36))));
        for (String reason : List.of("short", "é".repeat(5000), "\u0000\u001f".repeat(3000))) {
            for (boolean ok : List.of(true, false)) {
                var fitted = ResponseLimits.fit(echo, new PacketSourceLifecycle.Outcome(ok, "psrc-0123", reason, data));
                int size = ResponseLimits.size(echo, fitted, fitted.reason(), fitted.data());
                assertTrue(size <= ResponseLimits.MAX_BODY_BYTES - ResponseLimits.MARGIN, "size " + size);
            }
        }
    }

    /** STS/SNS as AWS documents them, in memory: the same topic+endpoint+attributes is the same subscription. */
    static final class RecordingAccounts implements CustomerAccounts {
        String trustExternalId;
        int denySubscribeAfter = Integer.MAX_VALUE;
        int assumed;
        boolean failUnexpectedly;
        final Map<String, String> subscriptions = new HashMap<>(); // topic|queue -> arn
        final List<String> filterPolicies = new ArrayList<>();

        RecordingAccounts(String trustExternalId) {
            this.trustExternalId = trustExternalId;
        }

        @Override
        public TopicSession assume(String roleArn, String externalId) {
            assumed++;
            if (failUnexpectedly) throw new IllegalStateException("connection reset");
            if (!trustExternalId.equals(externalId)) {
                throw new CustomerCallException(CustomerCallException.Kind.ACCESS_DENIED, "sts:AssumeRole", "not authorized", null);
            }
            return new TopicSession() {
                @Override
                public String subscribe(String topicArn, String queueArn, String filterPolicy) {
                    if (filterPolicies.size() >= denySubscribeAfter) {
                        throw new CustomerCallException(CustomerCallException.Kind.ACCESS_DENIED, "sns:Subscribe", "not authorized", null);
                    }
                    filterPolicies.add(filterPolicy);
                    return subscriptions.computeIfAbsent(topicArn + "|" + queueArn, k -> topicArn + ":" + java.util.UUID.randomUUID());
                }

                @Override
                public void unsubscribe(String subscriptionArn) {
                    subscriptions.values().remove(subscriptionArn);
                }

                @Override
                public List<Subscription> subscriptions(String topicArn) {
                    List<Subscription> out = new ArrayList<>();
                    subscriptions.forEach((k, v) -> {
                        if (k.startsWith(topicArn + "|")) out.add(new Subscription(v, "sqs", k.substring(k.indexOf('|') + 1)));
                    });
                    return out;
                }

                @Override
                public void close() {}
            };
        }
    }

    /** Every verification publish, and an optional failure for the next ones. */
    final List<String[]> verifications = new ArrayList<>();
    RuntimeException verificationFailure;

    void withOutcomeTopics() {
        OutcomePublisher pub = (topic, subject, message) -> {
            if (verificationFailure != null) throw verificationFailure;
            verifications.add(new String[] {topic, subject, message});
        };
        handler = new PacketSourceResource(new PacketSourceLifecycle(registry, accounts,
                new PacketSourceLifecycle.Settings(ResourcePropertiesTest.SERVED, queues),
                new OutcomeTopicCheck("arn:aws:iam::999999999999:role/pub", pub)), ResponseUrls.loopbackOnly());
    }

    @Test
    void theSourcesOwnPacketTopicAsOutcomeTopicIsRefusedAndNothingIsPublishedOrChanged() throws Exception {
        withOutcomeTopics();
        JsonNode c = send(event("Create", ResourcePropertiesTest.valid(), null, null));
        assertEquals("SUCCESS", c.get("Status").asText(), c.toString());
        Map<String, String> subscriptions = Map.copyOf(accounts.subscriptions);
        Map<String, Object> p = ResourcePropertiesTest.valid();
        p.put("OutcomeTopicArn", ResourcePropertiesTest.TOPIC);

        JsonNode u = send(event("Update", p, c.get("PhysicalResourceId").asText(), ResourcePropertiesTest.valid()));

        assertEquals("FAILED", u.get("Status").asText(), u.toString());
        assertTrue(u.get("Reason").asText().contains("is the SnsTopicSource.TopicArn of a Packet Source"), u.toString());
        assertEquals(List.of(), verifications, "no OutcomeTopicVerified into the pipeline");
        assertNull(registry.packetSource(ResourcePropertiesTest.TOPIC).orElseThrow().outcomeTopicArn());
        assertEquals(subscriptions, accounts.subscriptions);
    }

    @Test
    void anotherSourcesPacketTopicAsOutcomeTopicIsRefusedBeforeAnythingIsDone() throws Exception {
        withOutcomeTopics();
        String other = "arn:aws:sns:us-east-1:111122223333:other-packets";
        registry.put(new PacketSource(other, "edge-udp", true, null, 0, 0, "acme"));
        Map<String, Object> p = ResourcePropertiesTest.valid();
        p.put("OutcomeTopicArn", other);

        JsonNode c = send(event("Create", p, null, null));

        assertEquals("FAILED", c.get("Status").asText(), c.toString());
        assertTrue(c.get("Reason").asText().startsWith("OutcomeTopicArn '" + other + "' is the SnsTopicSource.TopicArn"), c.toString());
        assertEquals(List.of(), verifications);
        assertTrue(registry.packetSource(ResourcePropertiesTest.TOPIC).isEmpty(), "nothing registered");
        assertEquals(0, accounts.assumed, "nothing assumed, nothing subscribed");
    }

    @Test
    void anUpdateThatKeepsTheOutcomeTopicDoesNotPublishSoARollbackCannotFailOnIt() throws Exception {
        withOutcomeTopics();
        String outcomes = "arn:aws:sns:us-east-1:111122223333:outcomes";
        Map<String, Object> p = ResourcePropertiesTest.valid();
        p.put("OutcomeTopicArn", outcomes);
        JsonNode c = send(event("Create", p, null, null));
        assertEquals("SUCCESS", c.get("Status").asText(), c.toString());
        assertEquals(1, verifications.size());
        assertEquals(OutcomeSubjects.VERIFIED, verifications.get(0)[1], "the Subject Validate refuses to attribute");
        verificationFailure = new OutcomePublisher.AccessDeniedException("AuthorizationError", null);
        Map<String, Object> p2 = new HashMap<>(p);
        p2.put("Description", "only the description changes");

        JsonNode u = send(event("Update", p2, c.get("PhysicalResourceId").asText(), p));

        assertEquals("SUCCESS", u.get("Status").asText(), u.toString());
        assertEquals(1, verifications.size(), "no second publish");
        assertEquals(outcomes, registry.packetSource(ResourcePropertiesTest.TOPIC).orElseThrow().outcomeTopicArn());
    }
}
