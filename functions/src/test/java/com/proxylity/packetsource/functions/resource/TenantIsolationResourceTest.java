package com.proxylity.packetsource.functions.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.registry.ApiKeys;
import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registration;
import com.proxylity.packetsource.core.registry.RegistrationStore;
import com.proxylity.packetsource.functions.PacketSourceResource;
import com.proxylity.packetsource.functions.testing.ResponseUrlServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider with two customers, {@code acme} (the victim) and {@code evil}, each with its own
 * ApiKey, role (trusting only its own ExternalId), topic and Listener. Every event is written by
 * the attacker, as direct invocation allows; each attack must answer as documented and leave
 * acme's registration and subscriptions exactly as they were. Then failures injected at every
 * step of legitimate Creates and Updates: a FAILED answer leaves everything as it was.
 */
class TenantIsolationResourceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ACME_KEY = ResourcePropertiesTest.KEY;
    static final String EVIL_KEY = "evil.EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE";
    static final String ACME_TOPIC = ResourcePropertiesTest.TOPIC;
    static final String ACME_TOPIC_2 = "arn:aws:sns:us-east-1:111122223333:sensor-out-2";
    static final String ACME_ROLE = ResourcePropertiesTest.ROLE;
    static final String ACME_ROLE_2 = "arn:aws:iam::111122223333:role/proxylity-subscriber-2";
    static final String EVIL_TOPIC = "arn:aws:sns:us-east-1:444455556666:evil-out";
    static final String EVIL_ROLE = "arn:aws:iam::444455556666:role/proxylity-subscriber";
    static final String STACK = "arn:aws:cloudformation:us-east-1:111122223333:stack/app/5b2c3a30-1d5e-11ef-9e4a-0a1b2c3d4e5f";
    static final String EVIL_STACK = "arn:aws:cloudformation:us-east-1:444455556666:stack/evil/00000000-1d5e-11ef-9e4a-0a1b2c3d4e5f";
    static final List<String> QUEUES = List.of("arn:aws:sqs:us-east-1:999999999999:packet-source-delivery-us-east-1",
            "arn:aws:sqs:eu-west-1:999999999999:packet-source-delivery-eu-west-1");
    static final List<String> TOPICS = List.of(ACME_TOPIC, ACME_TOPIC_2, EVIL_TOPIC);

    ResponseUrlServer s3;
    InMemoryRegistry registry;
    Faults faults;
    Sns sns;
    PacketSourceResource handler;

    @BeforeEach
    void setUp() throws Exception {
        s3 = new ResponseUrlServer();
        registry = new InMemoryRegistry();
        registry.put(new Listener("acme-udp", ListenerType.UDP, 4242, List.of("198.51.100.7"), null, "http://sender").ownedBy("acme"));
        registry.put(new Listener("acme-wg", ListenerType.WG, 51820, List.of("198.51.100.8"),
                "YWNtZS13Zy1wdWJsaWMta2V5LWJhc2U2NC0zMi1ieXQ=", "http://sender").ownedBy("acme"));
        registry.put(new Listener("evil-udp", ListenerType.UDP, 4243, List.of("198.51.100.9"), null, "http://sender").ownedBy("evil"));
        registry.put(new Listener("unassigned", ListenerType.UDP, 4244, List.of("198.51.100.10"), null, "http://sender"));
        registry.put(new Customer("acme", ApiKeys.sha256(ACME_KEY), "psx-acme-7f3a", java.util.Set.of("111122223333")));
        registry.put(new Customer("evil", ApiKeys.sha256(EVIL_KEY), "psx-evil-0bad", java.util.Set.of("444455556666")));
        faults = new Faults();
        sns = new Sns(faults);
        sns.trust(ACME_ROLE, "psx-acme-7f3a", ACME_TOPIC, ACME_TOPIC_2);
        sns.trust(ACME_ROLE_2, "psx-acme-7f3a", ACME_TOPIC, ACME_TOPIC_2);
        sns.trust(EVIL_ROLE, "psx-evil-0bad", EVIL_TOPIC);
        handler = new PacketSourceResource(new PacketSourceLifecycle(new FaultyStore(registry, faults), sns,
                new PacketSourceLifecycle.Settings(ResourcePropertiesTest.SERVED, QUEUES)), ResponseUrls.loopbackOnly());
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    static Map<String, Object> props(String key, String listener, String role, String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put("ServiceToken", "arn:aws:lambda:us-east-1:999999999999:function:ps:live");
        p.put("ApiKey", key);
        p.put("ListenerName", listener);
        p.put("SnsTopicSource", new HashMap<>(Map.of("Role", role, "TopicArn", topic)));
        return p;
    }

    static Map<String, Object> acme() {
        return props(ACME_KEY, "acme-udp", ACME_ROLE, ACME_TOPIC);
    }

    CloudFormationCustomResourceEvent event(String type, String stack, Map<String, Object> props, String physicalId,
                                            Map<String, Object> old) {
        return CfnTestEvents.event(type, stack, s3.url("/cfn-response/" + type), props, physicalId, old);
    }

    JsonNode send(CloudFormationCustomResourceEvent e) throws Exception {
        handler.handleRequest(e, new TestContext());
        return JSON.readTree(s3.next().body());
    }

    /** Everything a request could change: each topic's registration and source, and every subscription. */
    Map<String, Object> state() {
        Map<String, Object> s = new TreeMap<>();
        for (String t : TOPICS) {
            s.put("registration " + t, registry.registration(t));
            s.put("source " + t, registry.packetSource(t));
        }
        s.put("subscriptions", new TreeMap<>(sns.subscriptions));
        return s;
    }

    String createAcme() throws Exception {
        JsonNode c = send(event("Create", STACK, acme(), null, null));
        assertEquals("SUCCESS", c.get("Status").asText(), c.toString());
        return c.get("PhysicalResourceId").asText();
    }

    @Test
    void aPacketSourceMayBindOnlyAListenerAssignedToItsCustomer() throws Exception {
        JsonNode r = send(event("Create", EVIL_STACK, props(EVIL_KEY, "acme-wg", EVIL_ROLE, EVIL_TOPIC), null, null));
        assertEquals("FAILED", r.get("Status").asText());
        assertTrue(r.get("Reason").asText().startsWith("Unknown Listener 'acme-wg'"), r.toString());
        assertFalse(r.toString().contains("YWNtZS13Zy1wdWJsaWMta2V5"), "never another customer's Listener key");
        JsonNode u = send(event("Create", EVIL_STACK, props(EVIL_KEY, "unassigned", EVIL_ROLE, EVIL_TOPIC), null, null));
        assertEquals("FAILED", u.get("Status").asText(), "a Listener assigned to no one is no customer's");
        assertTrue(registry.packetSource(EVIL_TOPIC).isEmpty());
        assertTrue(sns.subscriptions.isEmpty());
        assertEquals(0, sns.assumed, "refused before any call into a customer account");
    }

    @Test
    void anUpdateNamingAnotherCustomersPhysicalIdChangesNothing() throws Exception {
        String acmeId = createAcme();
        Map<String, Object> before = state();
        for (Map<String, Object> p : List.of(props(EVIL_KEY, "evil-udp", EVIL_ROLE, ACME_TOPIC),
                props(EVIL_KEY, "evil-udp", EVIL_ROLE, EVIL_TOPIC), props(EVIL_KEY, "acme-udp", ACME_ROLE, ACME_TOPIC))) {
            for (Map<String, Object> old : List.of(acme(), p)) {
                JsonNode r = send(event("Update", STACK, p, acmeId, old));
                assertEquals("FAILED", r.get("Status").asText(), r.toString());
                assertEquals(acmeId, r.get("PhysicalResourceId").asText());
                assertEquals(before, state());
            }
        }
        assertEquals("acme-udp", registry.packetSource(ACME_TOPIC).orElseThrow().listenerName());
    }

    @Test
    void aDeleteNamingAnotherCustomersPhysicalIdSucceedsAndChangesNothing() throws Exception {
        String acmeId = createAcme();
        Map<String, Object> before = state();
        for (Map<String, Object> p : List.of(props(EVIL_KEY, "evil-udp", EVIL_ROLE, ACME_TOPIC),
                props(EVIL_KEY, "acme-udp", ACME_ROLE, ACME_TOPIC),
                props("acme.RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR", "acme-udp", ACME_ROLE, ACME_TOPIC))) {
            JsonNode r = send(event("Delete", STACK, p, acmeId, null));
            assertEquals("SUCCESS", r.get("Status").asText(), "a Delete never blocks a stack");
            assertEquals(before, state());
        }
        // Evil's own id naming acme's topic: not its registration, and acme's role refuses evil's ExternalId.
        String evilId = PhysicalIds.of("evil", EVIL_STACK, "Sensors");
        assertEquals("SUCCESS", send(event("Delete", EVIL_STACK, props(EVIL_KEY, "evil-udp", ACME_ROLE, ACME_TOPIC), evilId, null))
                .get("Status").asText());
        assertEquals(before, state());
    }

    @Test
    void aCreateCannotTakeAnotherCustomersTopicWhateverItsStackSays() throws Exception {
        createAcme();
        Map<String, Object> before = state();
        // Evil claims acme's stack id: its resource's id still names evil, so it owns nothing of acme's.
        JsonNode r = send(event("Create", STACK, props(EVIL_KEY, "evil-udp", EVIL_ROLE, ACME_TOPIC), null, null));
        assertEquals("FAILED", r.get("Status").asText());
        assertTrue(r.get("Reason").asText().contains("is not in an AWS account of your Proxylity account"), r.toString());
        assertEquals(before, state());
    }

    /**
     * Acme's topic is not registered yet: evil's Create naming it must not hold it even for the
     * moment an undo takes (acme's own Create would fail meanwhile, and acme's messages would
     * leave from evil's Listener), and acme's role, even one whose trust policy forgot the
     * ExternalId, is never used for evil.
     */
    @Test
    void anotherCustomersTopicAndRoleAreRefusedBeforeAnythingIsWritten() throws Exception {
        sns.trust(ACME_ROLE, "psx-evil-0bad", ACME_TOPIC, ACME_TOPIC_2); // acme's trust policy, wrongly open to evil
        Map<String, Object> before = state();
        for (Map<String, Object> p : List.of(props(EVIL_KEY, "evil-udp", EVIL_ROLE, ACME_TOPIC),
                props(EVIL_KEY, "evil-udp", ACME_ROLE, ACME_TOPIC), props(EVIL_KEY, "evil-udp", ACME_ROLE, EVIL_TOPIC))) {
            faults.reset(Integer.MAX_VALUE);
            JsonNode r = send(event("Create", EVIL_STACK, p, null, null));
            assertEquals("FAILED", r.get("Status").asText(), r.toString());
            assertTrue(r.get("Reason").asText().contains("is not in an AWS account of your Proxylity account"), r.toString());
            assertEquals(0, faults.calls, "no write, no AssumeRole");
            assertEquals(before, state());
        }
    }

    /** The operator's limits on a customer's source survive every Update the customer can send. */
    @Test
    void aCustomersUpdateNeverLiftsTheOperatorsLimits() throws Exception {
        String id = createAcme();
        Registration r = registry.registration(ACME_TOPIC).orElseThrow();
        PacketSource limited = new PacketSource(ACME_TOPIC, r.source().listenerName(), true, null, 60, 5, "acme");
        assertTrue(registry.put(new Registration(limited, id, r.roleArn(), r.description(), r.subscriptionArns()), null));
        Map<String, Object> formatter = acme();
        formatter.put("Formatter", "hex");
        for (Map<String, Object> p : List.of(formatter, props(ACME_KEY, "acme-wg", ACME_ROLE_2, ACME_TOPIC),
                props(ACME_KEY, "acme-wg", ACME_ROLE_2, ACME_TOPIC_2))) {
            Map<String, Object> old = registry.registration(ACME_TOPIC).isPresent() ? acme() : props(ACME_KEY, "acme-wg", ACME_ROLE_2, ACME_TOPIC);
            JsonNode u = send(event("Update", STACK, p, id, old));
            assertEquals("SUCCESS", u.get("Status").asText(), u.toString());
            String topic = ((Map<?, ?>) p.get("SnsTopicSource")).get("TopicArn").toString();
            PacketSource now = registry.packetSource(topic).orElseThrow();
            assertEquals(60, now.maxAgeSeconds(), p.toString());
            assertEquals(5, now.ratePerSecond(), p.toString());
        }
    }

    /** CloudFormation undoes a successful Update (another resource of the stack failed) with an Update back. */
    @Test
    void aRollbackOfASuccessfulListenerChangeRestoresTheOldPacketSource() throws Exception {
        String id = createAcme();
        Map<String, Object> before = state();
        JsonNode moved = send(event("Update", STACK, props(ACME_KEY, "acme-wg", ACME_ROLE, ACME_TOPIC), id, acme()));
        assertEquals("SUCCESS", moved.get("Status").asText(), moved.toString());
        assertEquals(id, moved.get("PhysicalResourceId").asText());
        JsonNode back = send(event("Update", STACK, acme(), id, props(ACME_KEY, "acme-wg", ACME_ROLE, ACME_TOPIC)));
        assertEquals("SUCCESS", back.get("Status").asText(), back.toString());
        assertEquals(before, state());
    }

    @Test
    void theLegitimateLifeCycleStillWorks() throws Exception {
        String id = createAcme();
        JsonNode role = send(event("Update", STACK, props(ACME_KEY, "acme-udp", ACME_ROLE_2, ACME_TOPIC), id, acme()));
        assertEquals("SUCCESS", role.get("Status").asText(), role.toString());
        JsonNode topic = send(event("Update", STACK, props(ACME_KEY, "acme-udp", ACME_ROLE_2, ACME_TOPIC_2), id,
                props(ACME_KEY, "acme-udp", ACME_ROLE_2, ACME_TOPIC)));
        assertEquals("SUCCESS", topic.get("Status").asText(), topic.toString());
        assertTrue(registry.packetSource(ACME_TOPIC).isEmpty(), "the old topic is deregistered");
        assertEquals(2, sns.subscriptions.size(), "and unsubscribed");
        JsonNode listener = send(event("Update", STACK, props(ACME_KEY, "acme-wg", ACME_ROLE_2, ACME_TOPIC_2), id,
                props(ACME_KEY, "acme-udp", ACME_ROLE_2, ACME_TOPIC_2)));
        assertEquals("SUCCESS", listener.get("Status").asText(), listener.toString());
        assertEquals(id, listener.get("PhysicalResourceId").asText(), "a new Listener updates in place");
        assertEquals("acme-wg", registry.packetSource(ACME_TOPIC_2).orElseThrow().listenerName());
        assertEquals("SUCCESS", send(event("Delete", STACK, props(ACME_KEY, "acme-wg", ACME_ROLE_2, ACME_TOPIC_2), id, null))
                .get("Status").asText());
        assertTrue(registry.packetSource(ACME_TOPIC_2).isEmpty());
        assertTrue(sns.subscriptions.isEmpty());
    }

    /** A request and the old properties it is an Update from (null for a Create). */
    record Step(String name, Map<String, Object> props, Map<String, Object> old) {}

    @Test
    void aFailureAtAnyStepOfACreateOrUpdateLeavesEverythingAsItWas() throws Exception {
        List<Step> steps = List.of(
                new Step("create", acme(), null),
                new Step("new role", props(ACME_KEY, "acme-udp", ACME_ROLE_2, ACME_TOPIC), acme()),
                new Step("new topic", props(ACME_KEY, "acme-udp", ACME_ROLE, ACME_TOPIC_2), acme()),
                new Step("new listener", props(ACME_KEY, "acme-wg", ACME_ROLE, ACME_TOPIC), acme()),
                new Step("new listener and topic", props(ACME_KEY, "acme-wg", ACME_ROLE, ACME_TOPIC_2), acme()));
        for (Step step : steps) {
            // How many fallible calls the request makes when nothing fails.
            setUp();
            String id = step.old() == null ? null : createAcme();
            faults.reset(Integer.MAX_VALUE);
            assertEquals("SUCCESS", send(event(step.old() == null ? "Create" : "Update", STACK, step.props(), id, step.old()))
                    .get("Status").asText(), step.name());
            int calls = faults.calls;
            assertTrue(calls >= 1, step.name() + ": " + calls);
            for (int k = 1; k <= calls; k++) {
                setUp();
                id = step.old() == null ? null : createAcme();
                Map<String, Object> before = state();
                faults.reset(k);
                JsonNode r = send(event(step.old() == null ? "Create" : "Update", STACK, step.props(), id, step.old()));
                String where = step.name() + ", failure at call " + k + " of " + calls + " (" + faults.failed + ")";
                if ("FAILED".equals(r.get("Status").asText())) {
                    assertEquals(before, state(), where);
                    if (step.old() != null) {
                        // CloudFormation's rollback: an Update back to the old properties, on the old id.
                        faults.reset(Integer.MAX_VALUE);
                        JsonNode back = send(event("Update", STACK, step.old(), id, step.props()));
                        assertEquals("SUCCESS", back.get("Status").asText(), where + ": rollback " + back);
                        assertEquals(id, back.get("PhysicalResourceId").asText(), where);
                        assertEquals(before, state(), where + ": after the rollback");
                    }
                } else {
                    // Only the old topic's clean-up comes after the commit; it may fail and is logged.
                    assertTrue(step.name().contains("topic"), where + ": " + r);
                    assertTrue(registry.packetSource(ACME_TOPIC_2).isPresent(), where);
                    assertTrue(registry.packetSource(ACME_TOPIC).isEmpty(), where);
                }
            }
        }
    }

    @Test
    void aResponseUrlOutsideCloudFormationGetsNoWorkAndNoRequest() throws Exception {
        handler = new PacketSourceResource(new PacketSourceLifecycle(registry, sns,
                new PacketSourceLifecycle.Settings(ResourcePropertiesTest.SERVED, QUEUES)),
                ResponseUrls.cloudFormation(ResourcePropertiesTest.SERVED));
        for (String type : List.of("Create", "Update", "Delete")) {
            handler.handleRequest(event(type, STACK, acme(), type.equals("Create") ? null : "psrc-acme-" + "0".repeat(32),
                    type.equals("Update") ? acme() : null), new TestContext());
        }
        assertEquals(null, s3.poll(300, TimeUnit.MILLISECONDS), "nothing was sent to the loopback URL");
        assertEquals(0, sns.assumed);
        assertTrue(registry.packetSource(ACME_TOPIC).isEmpty());
    }

    /** Counts fallible calls (store writes, AssumeRole, Subscribe) and fails the k-th. */
    static final class Faults {
        int failAt = Integer.MAX_VALUE;
        int calls;
        String failed;

        void reset(int k) {
            failAt = k;
            calls = 0;
            failed = null;
        }

        void step(String what) {
            calls++;
            if (calls == failAt) {
                failed = what;
                throw new IllegalStateException("injected failure at " + what);
            }
        }
    }

    static final class FaultyStore implements RegistrationStore {
        final InMemoryRegistry d;
        final Faults f;

        FaultyStore(InMemoryRegistry d, Faults f) {
            this.d = d;
            this.f = f;
        }

        @Override public Optional<Customer> customer(String id) { return d.customer(id); }
        @Override public Optional<Listener> listener(String name) { return d.listener(name); }
        @Override public Optional<Registration> registration(String topicArn) { return d.registration(topicArn); }
        @Override public Optional<PacketSource> packetSource(String topicArn) { return d.packetSource(topicArn); }

        /** Fails before the write, or (as a replica that never shows it would) after it landed. */
        @Override
        public boolean put(Registration registration, String takeOverFrom) {
            f.step("put " + registration.topicArn());
            boolean done = d.put(registration, takeOverFrom);
            f.step("replicate put " + registration.topicArn());
            return done;
        }

        @Override
        public void delete(String topicArn, String resourceId, String customerId) {
            f.step("delete " + topicArn);
            d.delete(topicArn, resourceId, customerId);
            f.step("replicate delete " + topicArn);
        }
    }

    /** STS and SNS as AWS documents them: a role trusts one ExternalId and may act on its topics only. */
    static final class Sns implements CustomerAccounts {
        final Faults f;
        final Map<String, String> trusted = new HashMap<>();
        final Map<String, List<String>> topicsOf = new HashMap<>();
        final Map<String, String> subscriptions = new HashMap<>(); // topic|queue -> arn
        int assumed;

        Sns(Faults f) {
            this.f = f;
        }

        void trust(String role, String externalId, String... topics) {
            trusted.put(role, externalId);
            topicsOf.put(role, List.of(topics));
        }

        @Override
        public TopicSession assume(String roleArn, String externalId) {
            f.step("assume " + roleArn);
            assumed++;
            if (!externalId.equals(trusted.get(roleArn))) {
                throw new CustomerCallException(CustomerCallException.Kind.ACCESS_DENIED, "sts:AssumeRole", "not authorized", null);
            }
            List<String> allowed = topicsOf.get(roleArn);
            return new TopicSession() {
                @Override
                public String subscribe(String topicArn, String queueArn, String filterPolicy) {
                    f.step("subscribe " + queueArn);
                    deny(topicArn, "sns:Subscribe");
                    return subscriptions.computeIfAbsent(topicArn + "|" + queueArn, k -> topicArn + ":" + java.util.UUID.randomUUID());
                }

                @Override
                public void unsubscribe(String subscriptionArn) {
                    String topic = subscriptionArn.substring(0, subscriptionArn.lastIndexOf(':'));
                    deny(topic, "sns:Unsubscribe");
                    subscriptions.values().remove(subscriptionArn);
                }

                @Override
                public List<Subscription> subscriptions(String topicArn) {
                    deny(topicArn, "sns:ListSubscriptionsByTopic");
                    List<Subscription> out = new ArrayList<>();
                    subscriptions.forEach((k, v) -> {
                        if (k.startsWith(topicArn + "|")) out.add(new Subscription(v, "sqs", k.substring(k.indexOf('|') + 1)));
                    });
                    return out;
                }

                private void deny(String topicArn, String action) {
                    if (!allowed.contains(topicArn)) {
                        throw new CustomerCallException(CustomerCallException.Kind.ACCESS_DENIED, action, "not authorized", null);
                    }
                }

                @Override
                public void close() {}
            };
        }
    }
}
