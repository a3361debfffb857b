package com.proxylity.packetsource.local.cmd;

import com.proxylity.packetsource.core.registry.CustomerDirectory;
import com.proxylity.packetsource.dynamodb.DynamoDbClients;
import com.proxylity.packetsource.dynamodb.DynamoDbCustomerDirectory;
import com.proxylity.packetsource.dynamodb.Tables;
import com.proxylity.packetsource.local.customers.CustomerKit;
import com.proxylity.packetsource.local.customers.DeploymentFile;
import com.proxylity.packetsource.local.customers.HttpCustomerDirectory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Where {@code packet-source customer} keeps customers: a running local mode ({@code --local}),
 * or the deployment's Customers table in its home region (AWS, default credentials).
 */
public final class CustomerTarget implements AutoCloseable, CustomerKit.Target {
    /** The table the stacks create (cdk RegistryTables names it with the same prefix). */
    public static final String DEFAULT_TABLE = Tables.withPrefix(Tables.DEPLOYED_PREFIX).customers();

    @Option(names = "--local", paramLabel = "URL", description = "The customers endpoint 'packet-source local' prints. Absent: AWS.")
    URI local;

    @Option(names = "--deployment", paramLabel = "CDK.JSON", description = {"The deployment configuration (regions, home region,",
            "customers, Listener owners; default cdk/cdk.json when it exists)."})
    Path deployment;

    @Option(names = "--home-region", paramLabel = "REGION", description = "AWS: the region whose Customers replica is written (default: the deployment's home region).")
    String homeRegion;

    @Option(names = "--table", paramLabel = "TABLE", description = "AWS: the Customers table (default: the deployed one, PacketSource-Customers).")
    String table;

    @Option(names = "--dynamodb-endpoint", paramLabel = "URL", description = "AWS: a DynamoDB endpoint instead of AWS's (dummy credentials).")
    URI dynamoDbEndpoint;

    @Option(names = "--cloudformation-endpoint", paramLabel = "URL", hidden = true)
    URI cloudFormationEndpoint;

    private DynamoDbClient client;
    private DeploymentFile file;

    @Override
    public boolean isLocal() {
        return local != null;
    }

    CustomerDirectory open() throws IOException {
        if (local != null) return new HttpCustomerDirectory(local);
        client = dynamoDbEndpoint != null ? DynamoDbClients.local(dynamoDbEndpoint) : DynamoDbClients.inRegion(homeRegion());
        return new DynamoDbCustomerDirectory(client, new Tables("-", "-", "-", table()));
    }

    /** The deployment configuration, when one is given or {@code cdk/cdk.json} exists here; AWS only. */
    @Override
    public Optional<DeploymentFile> deployment() throws IOException {
        if (local != null) return Optional.empty();
        if (file == null) {
            Path p = deployment != null ? deployment : Path.of("cdk", "cdk.json");
            if (deployment == null && !Files.exists(p)) return Optional.empty();
            file = DeploymentFile.read(p);
        }
        return Optional.of(file);
    }

    String homeRegion() throws IOException {
        if (homeRegion != null) return homeRegion;
        return deployment().map(DeploymentFile::homeRegion).orElseThrow(() -> new IllegalArgumentException(
                "no deployment configuration (cdk/cdk.json) here: give --deployment or --home-region"));
    }

    @Override
    public List<String> regions() throws IOException {
        return deployment().map(DeploymentFile::regions).orElse(List.of(homeRegion()));
    }

    /**
     * The options that chose this target, to append to a command printed for the operator to run
     * next: without them a command copied after {@code --local URL} would go to AWS instead.
     */
    @Override
    public String sameTarget() {
        StringBuilder b = new StringBuilder();
        if (local != null) b.append(" --local ").append(local);
        if (deployment != null) b.append(" --deployment ").append(deployment);
        if (homeRegion != null) b.append(" --home-region ").append(homeRegion);
        if (table != null) b.append(" --table ").append(table);
        if (dynamoDbEndpoint != null) b.append(" --dynamodb-endpoint ").append(dynamoDbEndpoint);
        return b.toString();
    }

    /** Where the customers are, for the first line of every command's output. */
    String where() throws IOException {
        return local != null ? "local mode " + local : table() + " in " + homeRegion() + " (the home region's replica, which every region's provider reads)";
    }

    @Override
    public URI cloudFormationEndpoint() {
        return cloudFormationEndpoint;
    }

    String table() {
        return table != null ? table : DEFAULT_TABLE;
    }

    @Override
    public void close() {
        if (client != null) client.close();
    }
}
