package com.proxylity.packetsource.local.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.local.LocalMode;
import com.proxylity.packetsource.local.cmd.CustomerCommand;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * A customer onboarded with {@code packet-source customer --local} into a running local mode
 * (no customer in its config), then the whole provider, as CloudFormation drives it, through a
 * key rotation: during the overlap a Create with the old key and an Update with the new key both
 * succeed; once the old key is retired a request with it is refused and changes nothing; a
 * disabled customer's Update is refused.
 */
class CustomerKeyRotationLocalTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ROLE = "arn:aws:iam::111122223333:role/proxylity-subscriber";
    static final String EXTERNAL_ID = "psx-acme-rotation";
    static final Pattern KEY = Pattern.compile("(?m)^\\s+(?:New )?ApiKey\\s+(\\S+)$");

    static LocalMode local;
    static ResourceClient cloudFormation;
    static SnsClient customer;

    @BeforeAll
    static void start() throws Exception {
        String yaml = """
            regions: [us-east-1, eu-west-1]
            listeners:
              - {name: udp1, protocol: udp}
              - {name: udp2, protocol: udp}
            customerTopics: [first, second, third, fourth]
            roles:
              - arn: %s
                externalId: %s
                actions: [sns:Subscribe, sns:Unsubscribe, sns:ListSubscriptionsByTopic]
                topics: [first, second, third, fourth]
            """.formatted(ROLE, EXTERNAL_ID);
        local = LocalMode.start(LocalConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))),
                WireGuardPorts.NONE, null);
        cloudFormation = new ResourceClient(local.resourceEndpoint());
        customer = LocalCustomer.asRole(local, ROLE, EXTERNAL_ID);
    }

    @AfterAll
    static void stop() {
        if (customer != null) customer.close();
        if (cloudFormation != null) cloudFormation.close();
        if (local != null) local.close();
    }

    static String[] cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandLine cl = new CommandLine(new CustomerCommand(new PrintStream(out, true, StandardCharsets.UTF_8)));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--local", local.customersEndpoint().toString())).toArray(String[]::new);
        int rc = cl.execute(all);
        assertEquals(0, rc, err.toString());
        return new String[] {out.toString(StandardCharsets.UTF_8), err.toString()};
    }

    static String key(String out) {
        Matcher m = KEY.matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    static ObjectNode properties(String topic, String apiKey, String description) {
        return properties(topic, apiKey, description, "udp1");
    }

    static ObjectNode properties(String topic, String apiKey, String description, String listener) {
        ObjectNode p = JSON.createObjectNode();
        p.put("ServiceToken", "arn:aws:lambda:us-east-1:000000000000:function:PacketSourceResource");
        p.put("ApiKey", apiKey);
        p.put("ListenerName", listener);
        p.put("Description", description);
        p.putObject("SnsTopicSource").put("Role", ROLE).put("TopicArn", local.config().topicArn(topic));
        return p;
    }

    static JsonNode send(String type, JsonNode props, JsonNode old, String physicalId, String logicalId) throws Exception {
        return cloudFormation.send(type, props, old, physicalId, null, logicalId);
    }

    static int subscriptions(String topic) {
        return customer.listSubscriptionsByTopic(b -> b.topicArn(local.config().topicArn(topic))).subscriptions().size();
    }

    @Test
    void bothKeysWorkDuringTheOverlapAndTheRetiredOneChangesNothing() throws Exception {
        String[] created = cli("create", "--id", "acme", "--account", "111122223333", "--account", "000000000000",
                "--listener", "udp1", "--external-id", EXTERNAL_ID);
        assertTrue(created[0].contains("assigned udp1"), created[0]);
        String oldKey = key(created[0]);
        ObjectNode first = properties("first", oldKey, "v1");
        JsonNode c1 = send("Create", first, null, null, "First");
        assertEquals("SUCCESS", c1.get("Status").asText(), c1.toString());
        String firstId = c1.get("PhysicalResourceId").asText();

        String newKey = key(cli("rotate-key", "acme")[0]);
        JsonNode c2 = send("Create", properties("second", oldKey, "v1"), null, null, "Second");
        assertEquals("SUCCESS", c2.get("Status").asText(), "the old key during the overlap: " + c2);
        ObjectNode firstNew = properties("first", newKey, "v2");
        JsonNode u1 = send("Update", firstNew, first, firstId, "First");
        assertEquals("SUCCESS", u1.get("Status").asText(), "the new key during the overlap: " + u1);
        assertEquals("v2", local.registry().registration(local.config().topicArn("first")).orElseThrow().description());

        cli("retire-key", "acme");
        JsonNode c3 = send("Create", properties("third", oldKey, "v1"), null, null, "Third");
        assertEquals("FAILED", c3.get("Status").asText(), c3.toString());
        assertTrue(c3.get("Reason").asText().startsWith("ApiKey is invalid"), c3.toString());
        assertTrue(local.registry().registration(local.config().topicArn("third")).isEmpty(), "nothing registered");
        assertEquals(0, subscriptions("third"), "nothing subscribed");
        JsonNode u2 = send("Update", properties("first", oldKey, "v3"), firstNew, firstId, "First");
        assertEquals("FAILED", u2.get("Status").asText(), u2.toString());
        assertEquals("v2", local.registry().registration(local.config().topicArn("first")).orElseThrow().description(),
                "a refused Update changes nothing");

        JsonNode u3 = send("Update", properties("first", newKey, "v3"), firstNew, firstId, "First");
        assertEquals("SUCCESS", u3.get("Status").asText(), "the new key after the retirement: " + u3);
    }

    @Test
    void aDisabledCustomersUpdateIsRefusedAndItsDeleteStillCleansUp() throws Exception {
        String key = key(cli("create", "--id", "initech", "--account", "111122223333", "--account", "000000000000",
                "--listener", "udp2", "--external-id", EXTERNAL_ID)[0]);
        ObjectNode v1 = properties("fourth", key, "v1", "udp2");
        JsonNode c = send("Create", v1, null, null, "Disabled");
        assertEquals("SUCCESS", c.get("Status").asText(), c.toString());
        String id = c.get("PhysicalResourceId").asText();

        cli("disable", "initech");
        JsonNode u = send("Update", properties("fourth", key, "v2", "udp2"), v1, id, "Disabled");
        assertEquals("FAILED", u.get("Status").asText(), u.toString());
        assertTrue(u.get("Reason").asText().startsWith("Your Proxylity account is disabled"), u.toString());
        assertEquals("v1", local.registry().registration(local.config().topicArn("fourth")).orElseThrow().description());

        JsonNode d = send("Delete", v1, null, id, "Disabled");
        assertEquals("SUCCESS", d.get("Status").asText(), d.toString());
        assertTrue(local.registry().registration(local.config().topicArn("fourth")).isEmpty());
        cli("enable", "initech");
    }
}
