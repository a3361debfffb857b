package com.proxylity.packetsource.local.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.usage.UsageCounts;
import com.proxylity.packetsource.core.usage.UsageKey;
import com.proxylity.packetsource.core.usage.UsageSource;
import com.proxylity.packetsource.dynamodb.DynamoDbUsageStore;
import com.proxylity.packetsource.dynamodb.Tables;
import com.proxylity.packetsource.dynamodb.testing.Dynalite;
import com.proxylity.packetsource.local.cmd.UsageCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code packet-source usage} against a Usage table (dynalite): what the operator prints and an invoicing system imports. */
class UsageCommandDynaliteTest {
    private static final String ACME = "arn:aws:sns:us-east-1:111122223333:acme-orders";
    private static final String BETA = "arn:aws:sns:us-east-1:444455556666:beta";
    private static final long H = Instant.parse("2026-12-01T10:00:00Z").getEpochSecond();
    private static Dynalite dynalite;
    private static Tables tables;

    @BeforeAll
    static void start() {
        dynalite = Dynalite.start();
        tables = dynalite.createTables();
        DynamoDbUsageStore store = new DynamoDbUsageStore(dynalite.client(), tables.usage(), "us-east-1");
        store.add(Map.of(new UsageKey(UsageSource.of("acme", ACME), H),
                new UsageCounts().topicArn(ACME).message().message().delivered(10).delivered(20).discarded(DiscardReason.NoSession)));
        store.add(Map.of(new UsageKey(UsageSource.of("acme", ACME), H + 3600), new UsageCounts().topicArn(ACME).message().delivered(5)));
        store.add(Map.of(new UsageKey(UsageSource.of("beta", BETA), H), new UsageCounts().topicArn(BETA).message()
                .discarded(DiscardReason.RateLimited)));
        store.add(Map.of(new UsageKey(UsageSource.of("acme", ACME), H + 40 * 86400), new UsageCounts().delivered(99)));
    }

    @AfterAll
    static void stop() {
        if (dynalite != null) dynalite.close();
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> all = new java.util.ArrayList<>(List.of("--dynamodb-endpoint", dynalite.endpoint().toString(),
                "--table", tables.usage(), "--region", "us-east-1"));
        all.addAll(List.of(args));
        int rc = new CommandLine(new UsageCommand(new PrintStream(out, true, StandardCharsets.UTF_8)))
                .execute(all.toArray(String[]::new));
        assertEquals(0, rc);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void oneCustomersMonthAsCsvHasOneRowPerSourceAndEveryReasonAsAColumn() {
        String csv = run("--customer", "acme", "--from", "2026-12-01", "--to", "2027-01-01", "--by", "month", "--format", "csv");
        System.out.print(csv);
        assertEquals(List.of(
                "hour,region,customer_id,source_id,topic_arn,messages_received,packets_delivered,bytes_delivered,discarded_NoSession",
                "2026-12-01T00Z,us-east-1,acme," + UsageSource.sourceIdOf(ACME) + "," + ACME + ",3,3,35,1"),
                csv.lines().toList(), "December only: the hours added up, January's record left out");
    }

    @Test
    void everyCustomerAsATableAndAsJson() throws Exception {
        String table = run("--from", "2026-12-01T10Z", "--to", "2026-12-01T11Z");
        System.out.print(table);
        assertEquals(4, table.lines().count(), "header, acme and beta at 10:00, total");
        assertTrue(table.lines().toList().get(3).matches("TOTAL\\s+3\\s+2\\s+30\\s+2\\s+2 record\\(s\\)"), table);
        JsonNode json = UsageJson.JSON.readTree(run("--from", "2026-12-01", "--to", "2026-12-02", "--format", "json"));
        assertEquals(3, json.size());
        assertEquals("beta", json.get(2).get("customerId").asText());
        assertEquals(1, json.get(2).at("/packetsDiscarded/RateLimited").asLong());
    }
}
