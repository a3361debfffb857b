package com.proxylity.packetsource.local.cmd;

import com.proxylity.packetsource.core.usage.UsageKey;
import com.proxylity.packetsource.core.usage.UsageRecord;
import com.proxylity.packetsource.core.usage.UsageStore;
import com.proxylity.packetsource.dynamodb.DynamoDbClients;
import com.proxylity.packetsource.dynamodb.DynamoDbUsageStore;
import com.proxylity.packetsource.dynamodb.Tables;
import com.proxylity.packetsource.local.customers.DeploymentFile;
import com.proxylity.packetsource.local.usage.HttpUsageStore;
import com.proxylity.packetsource.local.usage.UsageReport;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code packet-source usage}: the usage records (docs/usage.md) of a customer or of all, over
 * a range of hours, from every served region's table on AWS or from a running local mode.
 */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = {"Per-customer usage: messages received, packets delivered and discarded, bytes, per Packet Source,"
                + " region and hour (docs/usage.md).",
                "%n  usage --from 2026-12-01 --to 2027-01-01 [--customer ID] [--region R]... [--format table|csv|json] [--by hour|month]%n",
                "On AWS every served region's PacketSource-Usage table is read with your default credentials;"
                        + " with --local URL, a running 'packet-source local' (the customers endpoint it prints)."})
public final class UsageCommand implements Callable<Integer> {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH[':'mm]['Z']");

    @Option(names = "--from", required = true, paramLabel = "WHEN", description = "First hour (UTC), e.g. 2026-12-01 or 2026-12-01T13Z.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "WHEN", description = "End, exclusive (UTC), e.g. 2027-01-01.")
    String to;

    @Option(names = "--customer", paramLabel = "ID", description = "One customer ('-': the operator's own sources). Absent: every customer.")
    String customer;

    @Option(names = "--region", paramLabel = "REGION", description = "A region to read (repeat). Default: the deployment's regions.")
    List<String> regions;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table, csv or json (default table).")
    UsageReport.Format format;

    @Option(names = "--by", paramLabel = "PERIOD", defaultValue = "hour", description = "hour or month (default hour).")
    UsageReport.Period period;

    @Option(names = "--local", paramLabel = "URL", description = "The customers endpoint 'packet-source local' prints. Absent: AWS.")
    URI local;

    @Option(names = "--deployment", paramLabel = "CDK.JSON", description = "AWS: the deployment configuration (default cdk/cdk.json).")
    Path deployment;

    @Option(names = "--table", paramLabel = "TABLE", description = "AWS: the usage table (default PacketSource-Usage).")
    String table;

    @Option(names = "--dynamodb-endpoint", paramLabel = "URL", description = "AWS: a DynamoDB endpoint instead of AWS's (dummy credentials).")
    URI dynamoDbEndpoint;

    private final PrintStream out;

    public UsageCommand() {
        this(System.out);
    }

    public UsageCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        long fromHour = UsageKey.hourOf(instant(from, "--from").toEpochMilli());
        long toHour = UsageKey.hourOf(instant(to, "--to").toEpochMilli() + 3_599_999L);
        if (toHour <= fromHour) {
            // "--from D --to D" is the likely way to ask for one day; --to is exclusive, so say what to write.
            String next = from.length() == 10 ? LocalDate.parse(from).plusDays(1).toString()
                    : NEXT_HOUR.format(instant(from, "--from").plusSeconds(3600));
            throw new IllegalArgumentException("--to must be after --from (--to is exclusive: for " + from
                    + " alone, --to " + next + ")");
        }
        List<UsageRecord> records = new ArrayList<>();
        if (local != null && (regions == null || regions.isEmpty())) {
            records.addAll(new HttpUsageStore(local, null).query(customer, fromHour, toHour));
        }
        for (String region : local != null && (regions == null || regions.isEmpty()) ? List.<String>of() : regions()) {
            if (local != null) {
                records.addAll(new HttpUsageStore(local, region).query(customer, fromHour, toHour));
                continue;
            }
            try (DynamoDbClient client = dynamoDbEndpoint != null ? DynamoDbClients.local(dynamoDbEndpoint)
                    : DynamoDbClients.inRegion(region)) {
                UsageStore store = new DynamoDbUsageStore(client, table != null ? table
                        : Tables.withPrefix(Tables.DEPLOYED_PREFIX).usage(), region);
                records.addAll(store.query(customer, fromHour, toHour));
            }
        }
        UsageReport.print(UsageReport.rollUp(records, period), format, period, out);
        return 0;
    }

    private List<String> regions() throws Exception {
        if (regions != null && !regions.isEmpty()) return regions;
        Path p = deployment != null ? deployment : Path.of("cdk", "cdk.json");
        if (deployment == null && !Files.exists(p)) {
            throw new IllegalArgumentException("no deployment configuration (cdk/cdk.json) here: give --deployment or --region");
        }
        return DeploymentFile.read(p).regions();
    }

    /** A day ({@code 2026-12-01}) or an hour ({@code 2026-12-01T13Z}), UTC. */
    private static final DateTimeFormatter NEXT_HOUR = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH'Z'").withZone(ZoneOffset.UTC);

    static Instant instant(String text, String option) {
        try {
            if (text.length() == 10) return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
            return LocalDateTime.parse(text.endsWith("Z") && text.length() == 14 ? text.substring(0, 13) + ":00Z" : text, HOUR)
                    .toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " " + text + ": not a UTC day (2026-12-01) or hour (2026-12-01T13Z)");
        }
    }
}
