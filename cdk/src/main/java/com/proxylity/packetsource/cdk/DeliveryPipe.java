package com.proxylity.packetsource.cdk;

import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.pipes.CfnPipe;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * Queue to state machine (L1 CfnPipe: the Pipes L2 is not published for Java). The target is
 * invoked REQUEST_RESPONSE (StartSyncExecution), so the Pipe reads {@code batchItemFailures}
 * from the execution's output: only those records return to the queue; a failed execution
 * returns the whole batch.
 */
public final class DeliveryPipe extends Construct {
    public static final String PIPE_NAME = "packet-source-delivery";
    public static final String LOG_GROUP = "/aws/vendedlogs/pipes/" + PIPE_NAME;
    private final CfnPipe pipe;
    private final LogGroup logs;

    public DeliveryPipe(Construct scope, String id, IQueue source, IStateMachine target, int batchSize,
                        int batchingWindowSeconds) {
        super(scope, id);
        Role role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("pipes.amazonaws.com"))
                .description("packet-source pipe: read the delivery queue, start sync executions")
                .build();
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"))
                .resources(List.of(source.getQueueArn())).build());
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("states:StartSyncExecution"))
                .resources(List.of(target.getStateMachineArn())).build());
        // A batch the Pipe cannot hand over (role, target, throttling) shows only as a metric
        // otherwise; ERROR logs name the cause. Never the execution data: it is customers' packets.
        logs = LogGroup.Builder.create(this, "Logs")
                .logGroupName(LOG_GROUP)
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                .resources(List.of(logs.getLogGroupArn())).build());
        pipe = CfnPipe.Builder.create(this, "Pipe")
                .name(PIPE_NAME)
                .roleArn(role.getRoleArn())
                .source(source.getQueueArn())
                .sourceParameters(CfnPipe.PipeSourceParametersProperty.builder()
                        .sqsQueueParameters(CfnPipe.PipeSourceSqsQueueParametersProperty.builder()
                                .batchSize(batchSize)
                                .maximumBatchingWindowInSeconds(batchingWindowSeconds)
                                .build())
                        .build())
                .logConfiguration(CfnPipe.PipeLogConfigurationProperty.builder()
                        .level("ERROR")
                        .cloudwatchLogsLogDestination(CfnPipe.CloudwatchLogsLogDestinationProperty.builder()
                                .logGroupArn(logs.getLogGroupArn()).build())
                        .build())
                .target(target.getStateMachineArn())
                .targetParameters(CfnPipe.PipeTargetParametersProperty.builder()
                        .stepFunctionStateMachineParameters(CfnPipe.PipeTargetStateMachineParametersProperty.builder()
                                .invocationType("REQUEST_RESPONSE").build())
                        .build())
                .build();
        pipe.getNode().addDependency(role);
    }

    public CfnPipe pipe() {
        return pipe;
    }
}
