package com.proxylity.packetsource.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Stack;
import java.util.ArrayList;

/**
 * Each cdk-nag AwsSolutions finding this stack accepts, with its reason, on the one resource
 * it concerns (never stack-wide). A new finding anywhere else fails NagTest.
 */
final class PacketSourceNag {
    private PacketSourceNag() {}

    static void suppress(Stack stack, List<String> customerAccounts) {
        String p = "/" + stack.getStackName() + "/";
        endpointGroups(stack, Network.INTERFACE_ENDPOINTS.size());
        List<String> functions = new ArrayList<>();
        for (String state : PipelineFunctions.STATES) functions.add("Functions/" + state);
        functions.add("Resource/PacketSourceResource");
        for (String fn : functions) {
            on(stack, p + fn + "/Function/Resource", "AwsSolutions-L1",
                    "The handlers are compiled for and tested on Java 21 with SnapStart; nag asks for the newest "
                            + "runtime of the family. SnapStart supports other runtimes too, and moving to one is a "
                            + "change of the build and its tests, made deliberately rather than by a linter");
        }
        on(stack, p + "Functions/Egress/Role/DefaultPolicy/Resource", "AwsSolutions-IAM5",
                "Lambda's VPC networking: ec2 network-interface actions have no resource-level scope "
                        + "(AWS documents Resource *); no data resource is involved",
                "Resource::*");
        if (!customerAccounts.isEmpty()) {
            on(stack, p + "Functions/Validate/Role/DefaultPolicy/Resource", "AwsSolutions-IAM5",
                    "sns:ConfirmSubscription on topics of onboarded customers' accounts, whose names are unknown at "
                            + "deploy time; Validate confirms only topics the registry holds (docs/pipeline.md)",
                    customerAccounts.stream().map(a -> "Resource::arn:<AWS::Partition>:sns:*:" + a + ":*").toArray(String[]::new));
            on(stack, p + "Functions/PublishOutcomes/Role/DefaultPolicy/Resource", "AwsSolutions-IAM5",
                    "sns:Publish of outcome summaries to customers' own topics, whose names are unknown at deploy time; "
                            + "each topic's policy must also grant this role (docs/packet-sources.md, 'Your own outcomes')",
                    customerAccounts.stream().map(a -> "Resource::arn:<AWS::Partition>:sns:*:" + a + ":*").toArray(String[]::new));
            on(stack, p + "Resource/PacketSourceResource/Role/DefaultPolicy/Resource", "AwsSolutions-IAM5",
                    "Roles in onboarded customers' accounts, whose names are unknown at deploy time; the statement "
                            + "requires sts:ExternalId psx-*, so no role without our ExternalId can be assumed",
                    customerAccounts.stream().map(a -> "Resource::arn:<AWS::Partition>:iam::" + a + ":role/*").toArray(String[]::new));
        }
        on(stack, p + "Pipeline/StateMachine/Role/DefaultPolicy/Resource", "AwsSolutions-IAM5",
                "CloudWatch Logs delivery for Step Functions (logs:*LogDelivery, DescribeLogGroups, "
                        + "Put/DescribeResourcePolicy) supports only Resource * (AWS Step Functions logging docs)",
                "Resource::*");
        on(stack, p + "Pipeline/StateMachine/Resource", "AwsSolutions-SF2",
                "X-Ray would record a sample of executions (its sampling rules), billed per trace; a sample "
                        + "cannot answer per-message questions, which the PublishToEgressLatency metric (every "
                        + "message) and the execution logs do. Tracing can be switched on for an incident");
        on(stack, p + "EgressHmacKey/Resource", "AwsSolutions-SMG4",
                "Rotating the HMAC key needs the sender and Egress to accept two keys during the switch; "
                        + "rotation is a documented manual procedure (docs/runbook.md), not a scheduled Lambda");
        on(stack, p + "Sender/Cluster/Resource", "AwsSolutions-ECS4",
                "Container Insights is priced per metric; the service's CPU/memory metrics and the sender's "
                        + "EMF metrics are what the alarms use");
        on(stack, p + "Sender/Nlb/Resource", "AwsSolutions-ELB2",
                "NLB access logs exist only for TLS listeners; these listeners are UDP");
        on(stack, p + "Sender/NlbGroup/Resource", "AwsSolutions-EC23",
                "The Listener's UDP ports are public by purpose: any client on the Internet talks to them");
        on(stack, p + "Sender/Task/ExecutionRole/DefaultPolicy/Resource", "AwsSolutions-IAM5",
                "ecr:GetAuthorizationToken has no resource-level scope; image pulls and secrets are scoped "
                        + "to the repository and the secrets",
                "Resource::*");
        on(stack, p + "Sender/Task/Resource", "AwsSolutions-ECS2",
                "The environment holds only non-secret configuration (Listener names and ports, table names, "
                        + "endpoint); the HMAC and WireGuard keys are injected from Secrets Manager");
    }

    /** nag cannot evaluate the interface endpoints' ingress (443 from the VPC's own CIDR, a token). */
    static void endpointGroups(Stack stack, int count) {
        for (int i = 0; i < count; i++) {
            on(stack, "/" + stack.getStackName() + "/Network/Vpc/Endpoint" + i + "/SecurityGroup/Resource",
                    "CdkNagValidationFailure",
                    "HTTPS to the interface endpoint from the VPC's own CIDR only (Fn::GetAtt of the VPC), never 0.0.0.0/0");
        }
    }

    private static void on(Stack stack, String path, String rule, String reason, String... appliesTo) {
        NagPackSuppression.Builder b = NagPackSuppression.builder().id(rule).reason(reason);
        if (appliesTo.length > 0) b.appliesTo(List.of((Object[]) appliesTo));
        NagSuppressions.addResourceSuppressionsByPath(stack, path, List.of(b.build()));
    }
}
