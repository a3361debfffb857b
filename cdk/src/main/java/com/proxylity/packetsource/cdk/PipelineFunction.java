package com.proxylity.packetsource.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Stack;

/**
 * One handler of the functions zip: its own log group and role (nothing shared, so each gets
 * exactly its grants), Java 21 on arm64, SnapStart on the published version that the alias
 * {@value #ALIAS} points at. Callers (the state machine, CloudFormation) use the alias only:
 * SnapStart applies to published versions, never to $LATEST.
 */
public final class PipelineFunction extends Construct {
    public static final String ALIAS = "live";
    public static final String PACKAGE = "com.proxylity.packetsource.functions.";
    private final Function function;
    private final Alias alias;
    private final Role role;

    /** What differs between the handlers. */
    public record Spec(String handlerClass, int memoryMb, int timeoutSeconds, Map<String, String> environment,
                       Integer reservedConcurrency, IVpc vpc, ISecurityGroup securityGroup) {
        public static Spec of(String handlerClass, Map<String, String> environment) {
            return new Spec(handlerClass, 1024, 30, environment, null, null, null);
        }

        public Spec reserved(Integer concurrency) {
            return new Spec(handlerClass, memoryMb, timeoutSeconds, environment, concurrency, vpc, securityGroup);
        }

        public Spec timeout(int seconds) {
            return new Spec(handlerClass, memoryMb, seconds, environment, reservedConcurrency, vpc, securityGroup);
        }

        public Spec inVpc(IVpc v, ISecurityGroup sg) {
            return new Spec(handlerClass, memoryMb, timeoutSeconds, environment, reservedConcurrency, v, sg);
        }
    }

    public PipelineFunction(Construct scope, String id, Code code, Spec spec) {
        super(scope, id);
        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                .logGroupName("/aws/lambda/packet-source-" + id)
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        role = Role.Builder.create(this, "Role")
                // A fixed name: customers' trust policies name the provider's role by ARN, and a
                // generated name would change if CloudFormation ever replaced the role. IAM names
                // are account-wide, hence the region.
                .roleName(roleName(id, Stack.of(this).getRegion()))
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("packet-source " + id + ": its log group and its own grants only")
                .build();
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                .resources(List.of(logs.getLogGroupArn()))
                .build());
        Function.Builder b = Function.Builder.create(this, "Function")
                .functionName("packet-source-" + id)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(PACKAGE + spec.handlerClass() + "::handleRequest")
                .code(code)
                .memorySize(spec.memoryMb())
                .timeout(Duration.seconds(spec.timeoutSeconds()))
                .role(role)
                .logGroup(logs)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .environment(spec.environment())
                .description("Packet Source " + spec.handlerClass());
        if (spec.reservedConcurrency() != null) b.reservedConcurrentExecutions(spec.reservedConcurrency());
        if (spec.vpc() != null) {
            // What AWSLambdaVPCAccessExecutionRole grants, inline (no managed policy): these ec2
            // actions take no resource-level scope.
            role.addToPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
                            "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
                            "ec2:UnassignPrivateIpAddresses"))
                    .resources(List.of("*"))
                    .build());
            b.vpc(spec.vpc())
                    .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build())
                    .securityGroups(List.of(spec.securityGroup()));
        }
        function = b.build();
        alias = Alias.Builder.create(this, "Alias")
                .aliasName(ALIAS)
                .version(function.getCurrentVersion())
                .build();
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "published: currentVersion, and every caller uses the alias on it");
    }

    public Function function() {
        return function;
    }

    public Alias alias() {
        return alias;
    }

    /** {@code packet-source-<id>-<region>}, at most 64 characters as IAM requires. */
    public static String roleName(String id, String region) {
        String name = "packet-source-" + id + "-" + region;
        if (name.length() > 64) throw new IllegalArgumentException("role name over 64 characters: " + name);
        return name;
    }

    public Role role() {
        return role;
    }
}
