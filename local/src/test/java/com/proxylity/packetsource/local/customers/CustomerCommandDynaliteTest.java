package com.proxylity.packetsource.local.customers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.registry.ApiKeys;
import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.dynamodb.DynamoDbRegistrationStore;
import com.proxylity.packetsource.dynamodb.Tables;
import com.proxylity.packetsource.dynamodb.testing.Dynalite;
import com.proxylity.packetsource.local.cmd.CustomerCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code packet-source customer} against the Customers table on dynalite, through the real
 * DynamoDB client: what is stored (the hash, never the key), what the operator is told to add to
 * the deployment configuration, and what the provider's store then accepts.
 */
class CustomerCommandDynaliteTest {
    static final Pattern KEY = Pattern.compile("(?m)^\\s+(?:New )?ApiKey\\s+(\\S+)$");
    static Dynalite dynalite;
    Tables tables;
    @TempDir
    Path dir;
    Path cdkJson;

    @BeforeAll
    static void up() {
        dynalite = Dynalite.start();
    }

    @AfterAll
    static void down() {
        if (dynalite != null) dynalite.close();
    }

    @BeforeEach
    void tables() throws Exception {
        tables = dynalite.createTables();
        cdkJson = Files.writeString(dir.resolve("cdk.json"), """
            {"context": {"regions": "us-east-1,eu-west-1",
              "customers": [{"id": "globex", "accounts": ["444455556666"]}],
              "listeners": [{"name": "udp", "protocol": "udp", "port": 5683},
                            {"name": "wg", "protocol": "wg", "port": 51820, "owner": "globex"}]}}
            """);
    }

    record Run(int rc, String out, String err) {}

    Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CommandLine cl = new CommandLine(new CustomerCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println(e.getMessage());
            return 1;
        });
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--dynamodb-endpoint", dynalite.endpoint().toString(), "--table", tables.customers(),
                "--deployment", cdkJson.toString(), "--cloudformation-endpoint", "http://127.0.0.1:1"));
        int rc = cl.execute(all.toArray(String[]::new));
        return new Run(rc, bytes.toString(StandardCharsets.UTF_8), err.toString());
    }

    static String key(Run r) {
        Matcher m = KEY.matcher(r.out());
        assertTrue(m.find(), r.out());
        return m.group(1);
    }

    Customer stored(String id) {
        return new DynamoDbRegistrationStore(dynalite.client(), tables).customer(id).orElseThrow();
    }

    @Test
    void createStoresTheHashAndPrintsTheDeploymentSnippetsAndTheCustomerStackPerRegion() {
        Run r = run("create", "--id", "acme", "--account", "111122223333", "--listener", "udp");
        assertEquals(0, r.rc(), r.err());
        String key = key(r);
        Customer c = stored("acme");
        assertTrue(ApiKeys.matches(key, c));
        Map<String, AttributeValue> item = dynalite.client().getItem(b -> b.tableName(tables.customers())
                .key(Map.of(Tables.Customers.CUSTOMER_ID, AttributeValue.fromS("acme")))).item();
        assertFalse(item.toString().contains(key.substring(5)), "the key itself is never stored: " + item);
        assertTrue(r.out().contains("\"customers\": add  {\"id\":\"acme\",\"accounts\":[\"111122223333\"]}"), r.out());
        assertTrue(r.out().contains("\"listeners\": the entry named \"udp\" gets  \"owner\": \"acme\""), r.out());
        for (String region : List.of("us-east-1", "eu-west-1")) {
            assertTrue(r.out().contains("aws cloudformation deploy --region " + region), r.out());
            assertTrue(r.out().contains("could not read stack PacketSource-" + region + " in " + region), r.out());
        }
        assertTrue(r.out().contains("ProxylityExternalId=" + c.externalId() + " ListenerName=udp"), r.out());
        assertFalse(r.out().replace("  ApiKey  " + key, "").contains(key), "the key is printed once: " + r.out());

        Run again = run("create", "--id", "acme", "--account", "111122223333");
        assertEquals(1, again.rc());
        assertTrue(again.err().contains("customer acme exists already"), again.err());
        assertEquals(c, stored("acme"), "a refused create changes nothing");
    }

    @Test
    void aRotationChangesOnlyTheKeysAndLeavesAnotherHandsEditOfTheItem() {
        assertEquals(0, run("create", "--id", "acme", "--account", "111122223333").rc());
        // Meanwhile another operator adds an account (and a note this model does not carry) by hand.
        dynalite.client().updateItem(b -> b.tableName(tables.customers())
                .key(Map.of(Tables.Customers.CUSTOMER_ID, AttributeValue.fromS("acme")))
                .updateExpression("SET #a = list_append(#a, :a), Note = :n")
                .expressionAttributeNames(Map.of("#a", Tables.Customers.ACCOUNTS))
                .expressionAttributeValues(Map.of(":a", AttributeValue.fromL(List.of(AttributeValue.fromS("777788889999"))),
                        ":n", AttributeValue.fromS("billing via reseller"))));

        Run rotated = run("rotate-key", "acme");
        assertEquals(0, rotated.rc(), rotated.err());
        assertEquals(0, run("disable", "acme").rc());

        Customer c = stored("acme");
        assertTrue(ApiKeys.matches(key(rotated), c));
        assertTrue(c.disabled());
        assertEquals(java.util.Set.of("111122223333", "777788889999"), c.accounts(), "the hand edit is kept");
        assertEquals("billing via reseller", dynalite.client().getItem(b -> b.tableName(tables.customers())
                .key(Map.of(Tables.Customers.CUSTOMER_ID, AttributeValue.fromS("acme")))).item().get("Note").s());
    }

    @Test
    void aListenerOfAnotherCustomerOrAnUnknownOneRefusesTheCreateAndWritesNothing() {
        Run r = run("create", "--id", "acme", "--account", "111122223333", "--listener", "wg");
        assertEquals(1, r.rc());
        assertTrue(r.err().contains("Listener 'wg' is assigned to customer globex"), r.err());
        r = run("create", "--id", "acme", "--account", "111122223333", "--listener", "udpp");
        assertEquals(1, r.rc());
        assertTrue(r.err().contains("no Listener 'udpp' in " + cdkJson + " (listeners: udp, wg)"), r.err());
        assertTrue(dynalite.client().scan(b -> b.tableName(tables.customers())).items().isEmpty());
    }

    @Test
    void rotateThenRetire() {
        String old = key(run("create", "--id", "acme", "--account", "111122223333"));
        Run rotated = run("rotate-key", "acme");
        assertEquals(0, rotated.rc(), rotated.err());
        String fresh = key(rotated);
        assertNotEquals(old, fresh);
        assertTrue(ApiKeys.matches(old, stored("acme")));
        assertTrue(ApiKeys.matches(fresh, stored("acme")));
        assertTrue(rotated.out().contains("packet-source customer retire-key acme"), rotated.out());

        Run third = run("rotate-key", "acme");
        assertEquals(1, third.rc());
        assertTrue(third.err().contains("has two valid keys already"), third.err());

        assertEquals(0, run("retire-key", "acme").rc());
        assertFalse(ApiKeys.matches(old, stored("acme")));
        assertTrue(ApiKeys.matches(fresh, stored("acme")));
    }

    @Test
    void listShowsKeysStateAndWhereTheDeploymentDisagrees() {
        run("create", "--id", "acme", "--account", "111122223333");
        run("rotate-key", "acme");
        assertEquals(0, run("disable", "acme").rc());
        assertTrue(stored("acme").disabled());
        Run r = run("list");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().matches("(?s).*acme\\s+2\\s+disabled\\s+111122223333.*"), r.out());
        assertTrue(r.out().contains("acme: not in the deployment's customers: the queues refuse its topics"), r.out());
        assertTrue(r.out().contains("globex: in the deployment's customers but not in the table"), r.out());
        assertTrue(r.out().contains("Listener wg -> globex"), r.out());
    }
}
