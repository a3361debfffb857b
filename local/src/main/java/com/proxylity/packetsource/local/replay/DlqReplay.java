package com.proxylity.packetsource.local.replay;

import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Moves a DLQ's messages back to the queue they came from with the SQS message move task
 * ({@code StartMessageMoveTask}), the same API calls on ElasticMQ and on AWS. Rate: the task's
 * MaxNumberOfMessagesPerSecond. Age: not a move-task feature; the pipeline discards entries
 * older than the Packet Source's max age as {@code Stale}, measured from the SNS Timestamp
 * inside the envelope, which the move keeps intact.
 */
public final class DlqReplay {
    /** Progress of the task, as ListMessageMoveTasks reports it. */
    public record Progress(String status, long moved, long toMove, String failureReason) {
        public boolean finished() { return !status.equals("RUNNING") && !status.equals("CANCELLING"); }
    }

    private final SqsClient sqs;

    public DlqReplay(SqsClient sqs) {
        this.sqs = sqs;
    }

    public String arnOf(String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /**
     * Starts the task and waits until it ends, reporting progress.
     *
     * @param destinationArn null moves each message back to its original source queue
     * @param ratePerSecond null lets SQS choose (it raises the rate over time)
     */
    public Progress run(String dlqUrl, String destinationArn, Integer ratePerSecond, Duration poll,
                        Consumer<Progress> progress) throws InterruptedException {
        String source = arnOf(dlqUrl);
        sqs.startMessageMoveTask(b -> {
            b.sourceArn(source);
            if (destinationArn != null) b.destinationArn(destinationArn);
            if (ratePerSecond != null) b.maxNumberOfMessagesPerSecond(ratePerSecond);
        });
        while (true) {
            Thread.sleep(poll.toMillis());
            Progress p = latest(source);
            progress.accept(p);
            if (p.finished()) return p;
        }
    }

    Progress latest(String sourceArn) {
        var tasks = sqs.listMessageMoveTasks(b -> b.sourceArn(sourceArn).maxResults(1)).results();
        if (tasks.isEmpty()) return new Progress("UNKNOWN", 0, 0, "no move task found");
        ListMessageMoveTasksResultEntry t = tasks.get(0);
        return new Progress(t.status(), t.approximateNumberOfMessagesMoved() == null ? 0 : t.approximateNumberOfMessagesMoved(),
                t.approximateNumberOfMessagesToMove() == null ? 0 : t.approximateNumberOfMessagesToMove(), t.failureReason());
    }
}
