package com.proxylity.packetsource.cdk;

import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * The four Task-state handlers (docs/pipeline.md, "Deployment notes"), each with least privilege:
 * Validate reads the registry and confirms SNS subscriptions; LookupSessions reads sessions, and
 * Listeners to address the egress batches; Egress reads the one HMAC secret and runs in the VPC;
 * PublishOutcomes publishes customers' outcome summaries and is the region's outcome publisher
 * role; ReportFailures only writes its logs.
 */
public final class PipelineFunctions extends Construct {
    /** Task state names = handler class names = {@code ${<name>FunctionArn}} in the definition. */
    public static final List<String> STATES = List.of("Validate", "LookupSessions", "Egress", "PublishOutcomes",
            "ReportFailures");
    /** The state whose function's role is the region's outcome publisher role (stack output PacketSourceOutcomePublisherRoleArn). */
    public static final String OUTCOME_PUBLISHER = "PublishOutcomes";
    private final Map<String, PipelineFunction> byState = new HashMap<>();

    public PipelineFunctions(Construct scope, String id, Code code, DeploymentConfig config, RegistryTables tables,
                             ISecret egressKey, IVpc vpc, ISecurityGroup egressSecurityGroup) {
        super(scope, id);
        Map<String, String> common = new HashMap<>(tables.environment());
        common.put("POWERTOOLS_SERVICE_NAME", "packet-source");
        common.put("POWERTOOLS_METRICS_NAMESPACE", "PacketSource");
        common.put("POWERTOOLS_LOG_LEVEL", "INFO");
        common.put("LOG4J_CONFIGURATION_FILE", "log4j2-lambda.xml");
        common.put("PACKET_SOURCE_PIPE_BATCH_SIZE", Integer.toString(config.pipeBatchSize()));
        // Validate accepts SNS signing certificates of these regions only (docs/pipeline.md, "SNS signatures").
        common.put("PACKET_SOURCE_SERVED_REGIONS", String.join(",", config.regions()));

        Map<String, String> egressEnv = new HashMap<>(common);
        egressEnv.put("PACKET_SOURCE_EGRESS_KEY_SECRET_ARN", egressKey.getSecretArn());
        // A held batch (its task has just left) waits in Egress for the new owner (core Handover).
        egressEnv.put("PACKET_SOURCE_OWNER_ROUTING", "on");

        add("Validate", code, PipelineFunction.Spec.of("Validate", common)
                .reserved(config.validateConcurrency() > 0 ? config.validateConcurrency() : null));
        Map<String, String> lookupEnv = new HashMap<>(common);
        // Route each packet to the sender task that holds its flow or session (heartbeats in Sessions).
        lookupEnv.put("PACKET_SOURCE_OWNER_ROUTING", "on");
        add("LookupSessions", code, PipelineFunction.Spec.of("LookupSessions", lookupEnv));
        add("Egress", code, PipelineFunction.Spec.of("Egress", egressEnv).inVpc(vpc, egressSecurityGroup)
                .timeout(DeploymentNumbers.EGRESS_TIMEOUT_SECONDS));
        add("PublishOutcomes", code, PipelineFunction.Spec.of("PublishOutcomes", common).timeout(10));
        add("ReportFailures", code, PipelineFunction.Spec.of("ReportFailures", common));

        // Customers too: a source's outcome topic is re-checked against its customer per message.
        allow("Validate", List.of("dynamodb:GetItem"), List.of(tables.packetSources().getTableArn(),
                tables.listeners().getTableArn(), tables.customers().getTableArn()));
        // Topics of onboarded customers' accounts, the only ones the queue admits; Validate
        // confirms only for a topic the registry holds (others are UnknownTopic, never confirmed).
        if (!config.customerAccounts().isEmpty()) {
            String partition = software.amazon.awscdk.Stack.of(this).getPartition();
            allow("Validate", List.of("sns:ConfirmSubscription"), config.customerAccounts().stream()
                    .map(a -> "arn:" + partition + ":sns:*:" + a + ":*").toList());
        }
        // Its role is the one customers' outcome topic policies grant (docs/packet-sources.md): a
        // summary needs both that grant and this one, which names only onboarded customers'
        // accounts, so a registry row naming anyone else's topic can make it publish nowhere.
        // No customers: no sns:Publish at all.
        if (!config.customerAccounts().isEmpty()) {
            String partition = software.amazon.awscdk.Stack.of(this).getPartition();
            allow(OUTCOME_PUBLISHER, List.of("sns:Publish"), config.customerAccounts().stream()
                    .map(a -> "arn:" + partition + ":sns:*:" + a + ":*").toList());
        }
        allow("LookupSessions", List.of("dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"),
                List.of(tables.sessions().getTableArn()));
        allow("LookupSessions", List.of("dynamodb:GetItem"), List.of(tables.listeners().getTableArn()));
        allow("Egress", List.of("secretsmanager:GetSecretValue"), List.of(egressKey.getSecretArn()));
        allow("Egress", List.of("dynamodb:BatchGetItem", "dynamodb:Query"), List.of(tables.sessions().getTableArn()));
        // Usage is only ever added to where each outcome is decided (docs/usage.md): no reads, no puts.
        for (String state : List.of("Validate", "LookupSessions", "Egress")) {
            allow(state, List.of("dynamodb:UpdateItem"), List.of(tables.usage().getTableArn()));
        }
    }

    private void add(String state, Code code, PipelineFunction.Spec spec) {
        byState.put(state, new PipelineFunction(this, state, code, spec));
    }

    private void allow(String state, List<String> actions, List<String> resources) {
        byState.get(state).role().addToPolicy(PolicyStatement.Builder.create().actions(actions).resources(resources).build());
    }

    public PipelineFunction get(String state) {
        PipelineFunction f = byState.get(state);
        if (f == null) throw new IllegalArgumentException("no function for state " + state);
        return f;
    }
}
