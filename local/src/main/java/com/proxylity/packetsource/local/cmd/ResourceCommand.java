package com.proxylity.packetsource.local.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.local.resource.ResourceClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code packet-source resource}: a CloudFormation request to the Packet Source provider, and what it answers. */
@Command(name = "resource", mixinStandardHelpOptions = true,
        description = {"Send a Custom::ProxylityUdpGatewayPacketSource request to the provider, as CloudFormation does.",
                "Prints the response the provider sends back to CloudFormation. Exit 0 on SUCCESS, 1 on FAILED.",
                "%n  resource create --endpoint http://127.0.0.1:PORT PROPERTIES.json"
                        + "%n  resource update --endpoint URL --physical-id ID --old OLD.json PROPERTIES.json"
                        + "%n  resource delete --endpoint URL --physical-id ID PROPERTIES.json%n",
                "PROPERTIES.json: the resource's Properties (ApiKey, ListenerName, SnsTopicSource, ...), as in"
                        + " examples/customer-stack.yaml. The provider endpoint is printed by 'packet-source local'."})
public final class ResourceCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "ACTION", description = "create, update or delete")
    String action;

    @Parameters(index = "1", paramLabel = "PROPERTIES.json")
    Path properties;

    @Option(names = "--endpoint", required = true, description = "The provider endpoint (Lambda Invoke API base URL).")
    URI endpoint;

    @Option(names = "--physical-id", description = "The resource's physical id (update, delete).")
    String physicalId;

    @Option(names = "--old", paramLabel = "OLD.json", description = "The previous properties (update).")
    Path oldProperties;

    @Option(names = "--stack-id", description = "StackId of the request (default: a fixed local stack).")
    String stackId;

    @Option(names = "--logical-id", defaultValue = ResourceClient.DEFAULT_LOGICAL_ID, description = "LogicalResourceId (default ${DEFAULT-VALUE}).")
    String logicalId;

    @Override
    public Integer call() throws Exception {
        String type = switch (action.toLowerCase(Locale.ROOT)) {
            case "create" -> "Create";
            case "update" -> "Update";
            case "delete" -> "Delete";
            default -> null;
        };
        if (type == null) {
            spec.commandLine().getErr().println("packet-source resource: ACTION must be create, update or delete");
            return 2;
        }
        if (!type.equals("Create") && physicalId == null) {
            spec.commandLine().getErr().println("packet-source resource: " + action + " needs --physical-id (the PhysicalResourceId the create printed)");
            return 2;
        }
        if (type.equals("Update") && oldProperties == null) {
            spec.commandLine().getErr().println("packet-source resource: update needs --old OLD.json (the properties before the update)");
            return 2;
        }
        JsonNode props = JSON.readTree(Files.readAllBytes(properties));
        JsonNode old = oldProperties == null ? null : JSON.readTree(Files.readAllBytes(oldProperties));
        try (ResourceClient client = new ResourceClient(endpoint)) {
            JsonNode response = client.send(type, props, old, physicalId, stackId, logicalId);
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(response));
            return "SUCCESS".equals(response.path("Status").asText()) ? 0 : 1;
        }
    }
}
