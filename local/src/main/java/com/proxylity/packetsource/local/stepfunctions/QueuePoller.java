package com.proxylity.packetsource.local.stepfunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Does for one delivery queue what the EventBridge Pipe does in AWS: long-polls batches of up
 * to 10, runs one pipeline execution per batch, deletes the records that succeeded and leaves
 * the {@code batchItemFailures} (or the whole batch, if the execution failed) to reappear after
 * the visibility timeout, so the queue's redrive policy moves a record that keeps failing into
 * the DLQ intact.
 */
public final class QueuePoller implements Runnable {
    /** Short long-poll so a stop request is noticed within about a second. */
    static final int WAIT_SECONDS = 1;

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final String region;
    private final int batchSize;
    private final Pipeline pipeline;
    private final RunnerStats stats;
    private final Consumer<BatchOutcome> outcomes;
    private volatile boolean running = true;

    public QueuePoller(SqsClient sqs, String queueUrl, String queueArn, String region, int batchSize,
                       Pipeline pipeline, RunnerStats stats, Consumer<BatchOutcome> outcomes) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.region = region;
        this.batchSize = batchSize;
        this.pipeline = pipeline;
        this.stats = stats;
        this.outcomes = outcomes;
    }

    public void stop() { running = false; }

    @Override
    public void run() {
        while (running && !Thread.currentThread().isInterrupted()) {
            try {
                pollOnce();
            } catch (SdkException e) {
                if (!running) return;
                sleepQuietly(500); // queue briefly unreachable: try again, as a Pipe does
            }
        }
    }

    /** One receive and, if it returned records, one execution. Returns the number of records. */
    public int pollOnce() {
        List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(batchSize)
                .waitTimeSeconds(WAIT_SECONDS).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        if (batch.isEmpty()) return 0;
        stats.batches.incrementAndGet();
        stats.records.addAndGet(batch.size());
        BatchOutcome outcome;
        try {
            outcome = BatchOutcome.fromOutput(pipeline.run(PipeRecords.of(batch, queueArn, region)));
        } catch (Exception e) {
            stats.failedExecutions.incrementAndGet();
            stats.failed.addAndGet(batch.size());
            return batch.size();
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Message m = batch.get(i);
            if (outcome.failedMessageIds().contains(m.messageId())) continue;
            done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(m.receiptHandle()).build());
        }
        if (!done.isEmpty()) sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
        stats.succeeded.addAndGet(done.size());
        stats.failed.addAndGet(batch.size() - done.size());
        outcomes.accept(outcome);
        return batch.size();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
