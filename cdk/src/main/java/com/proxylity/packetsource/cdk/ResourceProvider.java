package com.proxylity.packetsource.cdk;

import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Permission;
import software.constructs.Construct;

/**
 * The provider of {@code Custom::ProxylityUdpGatewayPacketSource}: handler class
 * {@value #HANDLER} of the functions zip (its own issue), published through the alias like the
 * pipeline's functions. Its alias ARN is the ServiceToken, exported per region. It assumes
 * roles of customers' accounts only with an ExternalId starting {@value #EXTERNAL_ID_PREFIX} (so
 * never a role without one) and reads and writes the registry; SNS calls use the customer's
 * credentials.
 */
public final class ResourceProvider extends Construct {
    public static final String HANDLER = "PacketSourceResource";
    public static final String EXTERNAL_ID_PREFIX = "psx-";
    public static final String EXPORT_PREFIX = "ProxylityPacketSourceServiceToken-";
    private final PipelineFunction function;

    public ResourceProvider(Construct scope, String id, Code code, DeploymentConfig config, RegistryTables tables) {
        super(scope, id);
        String account = Stack.of(this).getAccount();
        String partition = Stack.of(this).getPartition();
        Map<String, String> env = new HashMap<>(tables.environment());
        env.put("PACKET_SOURCE_SERVED_REGIONS", String.join(",", config.regions()));
        // Registrations are written in the home region's replica only and read back from every
        // other replica before the provider subscribes (docs/deployment.md, "One registry for all regions").
        env.put("PACKET_SOURCE_HOME_REGION", config.homeRegion());
        env.put("PACKET_SOURCE_DELIVERY_QUEUE_ARNS", String.join(",", config.regions().stream()
                .map(r -> "arn:" + partition + ":sqs:" + r + ":" + account + ":" + DeploymentNumbers.deliveryQueueName(r))
                .toList()));
        env.put("POWERTOOLS_SERVICE_NAME", "packet-source");
        env.put("POWERTOOLS_LOG_LEVEL", "INFO");
        env.put("LOG4J_CONFIGURATION_FILE", "log4j2-lambda.xml");
        function = new PipelineFunction(this, "PacketSourceResource", code,
                new PipelineFunction.Spec(HANDLER, 1024, 120, env, null, null, null));
        // Roles of onboarded customers' accounts only, and only with an ExternalId: the handler
        // passes the customer's own ExternalId, so a role of another customer cannot be assumed.
        if (!config.customerAccounts().isEmpty()) {
            function.role().addToPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("sts:AssumeRole"))
                    .resources(config.customerAccounts().stream().map(a -> "arn:" + partition + ":iam::" + a + ":role/*").toList())
                    .conditions(Map.of("StringLike", Map.of("sts:ExternalId", EXTERNAL_ID_PREFIX + "*")))
                    .build());
        }
        // What the handler does and nothing more: read customers (home replica) and this region's
        // Listeners, own its registrations in the home replica, and read every replica back.
        String home = config.homeRegion();
        function.role().addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:GetItem"))
                .resources(List.of(replicaArn(partition, home, account, tables.names().customers()),
                        tables.listeners().getTableArn()))
                .build());
        function.role().addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"))
                .resources(List.of(replicaArn(partition, home, account, tables.names().packetSources())))
                .build());
        List<String> otherReplicas = config.regions().stream().filter(r -> !r.equals(home))
                .map(r -> replicaArn(partition, r, account, tables.names().packetSources())).toList();
        if (!otherReplicas.isEmpty()) {
            function.role().addToPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("dynamodb:GetItem")).resources(otherReplicas).build());
        }
        // CloudFormation invokes a custom resource's function with the credentials of whoever
        // runs the stack operation (or of the stack's service role), so the resource policy can
        // name nothing narrower than those principals: a customer's declared CloudFormation
        // service roles, else its accounts. What remains possible, and why it is harmless:
        // docs/architecture.md, "Who can invoke the provider".
        for (CustomerSpec customer : config.customers()) {
            List<IPrincipal> principals = customer.cloudFormationRoles().isEmpty()
                    ? customer.accounts().stream().<IPrincipal>map(AccountPrincipal::new).toList()
                    : customer.cloudFormationRoles().stream().<IPrincipal>map(ArnPrincipal::new).toList();
            int i = 0;
            for (IPrincipal principal : principals) {
                function.alias().addPermission("Invoke-" + customer.id() + "-" + (i++), Permission.builder()
                        .principal(principal).action("lambda:InvokeFunction").build());
            }
        }
        String token = function.alias().getFunctionArn();
        CfnOutput.Builder.create(Stack.of(this), "PacketSourceServiceToken").value(token)
                .exportName(EXPORT_PREFIX + Stack.of(this).getRegion())
                .description("ServiceToken of Custom::ProxylityUdpGatewayPacketSource in this region").build();
        // Customers name this role as the principal in their role's trust policy (examples/customer-stack.yaml).
        CfnOutput.Builder.create(Stack.of(this), "PacketSourceProviderRoleArn").value(function.role().getRoleArn())
                .description("Principal that customers' roles trust, together with their ExternalId").build();
    }

    /**
     * The provider proves a customer's OutcomeTopicArn at deploy time by publishing to it as the
     * outcome publisher role itself (docs/packet-sources.md, "Your own outcomes"): that role
     * trusts this function's role for sts:AssumeRole, and this role may assume that one only.
     */
    public void verifyOutcomeTopicsAs(Role outcomePublisher) {
        outcomePublisher.getAssumeRolePolicy().addStatements(PolicyStatement.Builder.create()
                .actions(List.of("sts:AssumeRole"))
                .principals(List.of(new ArnPrincipal(function.role().getRoleArn())))
                .build());
        function.role().addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("sts:AssumeRole"))
                .resources(List.of(outcomePublisher.getRoleArn()))
                .build());
        function.function().addEnvironment("PACKET_SOURCE_OUTCOME_PUBLISHER_ROLE_ARN", outcomePublisher.getRoleArn());
        // Customers' outcome topic policies grant sns:Publish to this principal (examples/customer-stack.yaml).
        CfnOutput.Builder.create(Stack.of(this), "PacketSourceOutcomePublisherRoleArn").value(outcomePublisher.getRoleArn())
                .description("Principal that customers' outcome topic policies allow sns:Publish").build();
    }

    /** A global table's replica in {@code region}: the table keeps its name in every region. */
    static String replicaArn(String partition, String region, String account, String table) {
        return "arn:" + partition + ":dynamodb:" + region + ":" + account + ":table/" + table;
    }

    public PipelineFunction function() {
        return function;
    }
}
