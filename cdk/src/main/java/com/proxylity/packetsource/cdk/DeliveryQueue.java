package com.proxylity.packetsource.cdk;

import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import java.util.List;
import java.util.Map;
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

    public DeliveryQueue(Construct scope, String id) {
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
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters)
                        .maxReceiveCount(DeploymentNumbers.MAX_RECEIVE_COUNT).build())
                .build();
        // Any SNS topic may deliver: customers' topics are not known at deploy time. A message is
        // authenticated by its envelope's TopicArn, which Validate checks against the registry
        // (an unregistered topic is an UnknownTopic discard), and SNS signs what it sets there, so
        // a topic cannot claim another's ARN. Only the SNS service principal may send, never an
        // account directly; TLS is enforced by enforceSsl's deny statement.
        queue.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("SnsTopicsDeliver")
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("sns.amazonaws.com")))
                .actions(List.of("sqs:SendMessage"))
                .resources(List.of(queue.getQueueArn()))
                .conditions(Map.of("ArnLike", Map.of("aws:SourceArn", "arn:aws:sns:*:*:*")))
                .build());
    }

    public Queue queue() {
        return queue;
    }

    public Queue deadLetters() {
        return deadLetters;
    }
}
