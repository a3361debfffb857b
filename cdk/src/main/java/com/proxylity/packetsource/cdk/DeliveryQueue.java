package com.proxylity.packetsource.cdk;

import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The region's delivery queue and its DLQ, named deterministically
 * ({@link DeploymentNumbers#deliveryQueueName}) so the resource provider of every region can
 * compute every region's queue ARN.
 */
public final class DeliveryQueue extends Construct {
    private final Queue queue;
    private final Queue deadLetters;

    /**
     * @param customerAccounts the accounts whose SNS topics may deliver; empty: none may
     * @param pipeBatchSize the Pipe's batch size, which bounds each message's size ({@link PipeInput})
     */
    public DeliveryQueue(Construct scope, String id, List<String> customerAccounts, int pipeBatchSize) {
        super(scope, id);
        String region = Stack.of(this).getRegion();
        deadLetters = Queue.Builder.create(this, "Dlq")
                .queueName(DeploymentNumbers.deadLetterQueueName(region))
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(DeploymentNumbers.DLQ_RETENTION_DAYS))
                .build();
        queue = Queue.Builder.create(this, "Queue")
                .queueName(DeploymentNumbers.deliveryQueueName(region))
                // SQS-managed SSE: SNS can deliver to it without a KMS key policy in every customer's path.
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds(DeploymentNumbers.VISIBILITY_TIMEOUT_SECONDS))
                // A full batch of the largest messages must fit StartSyncExecution's input: SQS
                // refuses a larger SNS delivery, so no batch can fail for its size.
                .maxMessageSizeBytes(PipeInput.maximumMessageSize(pipeBatchSize))
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters)
                        .maxReceiveCount(DeploymentNumbers.MAX_RECEIVE_COUNT).build())
                .build();
        // Only onboarded customers' topics may deliver: every message and every subscription
        // confirmation costs a pipeline run, so a topic of any other account is refused by SQS
        // before it costs anything. Validate still authenticates each message by its envelope's
        // TopicArn against the registry (UnknownTopic otherwise). Only the SNS service principal
        // may send, never an account directly; TLS is enforced by enforceSsl's deny statement.
        if (customerAccounts.isEmpty()) {
            Annotations.of(this).addWarning("no customers configured: the delivery queue admits no SNS topic "
                    + "(context customers, docs/deployment.md)");
        } else {
            String partition = Stack.of(this).getPartition();
            queue.addToResourcePolicy(PolicyStatement.Builder.create()
                    .sid("CustomerTopicsDeliver")
                    .effect(Effect.ALLOW)
                    .principals(List.of(new ServicePrincipal("sns.amazonaws.com")))
                    .actions(List.of("sqs:SendMessage"))
                    .resources(List.of(queue.getQueueArn()))
                    .conditions(Map.of("ArnLike", Map.of("aws:SourceArn", customerAccounts.stream()
                            .map(a -> "arn:" + partition + ":sns:*:" + a + ":*").toList())))
                    .build());
        }
    }

    public Queue queue() {
        return queue;
    }

    public Queue deadLetters() {
        return deadLetters;
    }
}
