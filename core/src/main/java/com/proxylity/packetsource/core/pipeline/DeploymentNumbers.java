package com.proxylity.packetsource.core.pipeline;

/**
 * The numbers the AWS stack (cdk) and local mode (local) both read, so the two can never
 * drift: Pipe batch, queue timing and redrive, the state budget, queue names. The reasons for
 * each value are in docs/pipeline.md ("Failures, retries" and "Payload limits"); a cdk test
 * asserts the synthesized template and local mode's defaults agree with this class.
 */
public final class DeploymentNumbers {
    /** Pipe BatchSize: SQS records per execution; sets each message's share of the state budget. */
    public static final int PIPE_BATCH_SIZE = 10;
    /** The largest Pipe BatchSize a deployment may choose: a bigger batch could not fit one state's input. */
    public static final int PIPE_BATCH_SIZE_MAX = 10;
    /**
     * Pipe MaximumBatchingWindowInSeconds (0-300). 0: a batch is whatever one poll returns (up to
     * the batch size), so a lone message is not held; any window holds it that long and AWS
     * documents longer waits at low traffic (docs/latency.md). Busy queues fill batches anyway.
     */
    public static final int PIPE_BATCHING_WINDOW_SECONDS = 0;
    /** The state machine's TimeoutSeconds (statemachines/packet-source.asl.json says the same; a test checks). */
    public static final int EXECUTION_TIMEOUT_SECONDS = 240;
    /**
     * The Egress function's timeout and its state's TimeoutSeconds: a held batch waits up to
     * {@code Handover.HOLD} for its new owners and then posts to each within what is left.
     */
    public static final int EGRESS_TIMEOUT_SECONDS = 60;
    /** SQS VisibilityTimeout: must exceed the execution timeout, else a record reappears while it is still being sent. */
    public static final int VISIBILITY_TIMEOUT_SECONDS = 300;
    /** Receives before SQS moves a record to the DLQ (redrive policy). */
    public static final int MAX_RECEIVE_COUNT = 5;
    /** DLQ MessageRetentionPeriod: the SQS maximum, so replay has two weeks. */
    public static final int DLQ_RETENTION_DAYS = 14;
    /** Step Functions' limit for one state's input or output, bytes of UTF-8. */
    public static final int STATE_LIMIT_BYTES = 262_144;
    /** Part of the state limit kept for what is not per message (field names, PublishedAt, Map results). */
    public static final int STATE_RESERVE_BYTES = 16 * 1024;
    /** Delivery queue name prefix; the region follows. */
    public static final String DELIVERY_QUEUE_PREFIX = "packet-source-delivery-";
    /** DLQ name: the delivery queue's name plus this. */
    public static final String DLQ_SUFFIX = "-dlq";

    private DeploymentNumbers() {}

    /** {@code packet-source-delivery-<region>}: deterministic, so other regions' ARNs can be computed. */
    public static String deliveryQueueName(String region) {
        return DELIVERY_QUEUE_PREFIX + region;
    }

    public static String deadLetterQueueName(String region) {
        return deliveryQueueName(region) + DLQ_SUFFIX;
    }

    /** Each message's share of the state budget at a given Pipe batch size. */
    public static int stateSharePerMessage(int pipeBatchSize) {
        if (pipeBatchSize < 1) throw new IllegalArgumentException("pipe batch size must be positive");
        return (STATE_LIMIT_BYTES - STATE_RESERVE_BYTES) / pipeBatchSize;
    }
}
