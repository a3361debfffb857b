package com.proxylity.packetsource.cdk;

import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;

/**
 * The delivery queue's MaximumMessageSize, derived from the Pipe's batch size so that a full
 * batch can never exceed what StartSyncExecution accepts: SQS refuses a larger message before
 * it is ever in a batch. The table of docs/deployment.md ("Batch size and message size") is
 * these functions; a test keeps the two equal.
 *
 * <p>A record in the Pipe's input is its body written as a JSON string plus its other fields.
 * The body is the SNS envelope; writing it as a JSON string escapes {@code "}, {@code \} and the
 * control characters SQS allows (tab, CR, LF) into two characters each, so it at most doubles.
 * This assumes the Pipe writes other characters as UTF-8, not {@code \\u} escapes, as the SQS
 * record examples in the AWS documentation show.
 */
public final class PipeInput {
    /** StartSyncExecution's input, which a Step Functions target of a Pipe must fit (262,144 characters). */
    public static final int LIMIT = DeploymentNumbers.STATE_LIMIT_BYTES;
    /** A record's fields other than its body: ids, receipt handle, attributes, digest, ARN, region, keys. */
    public static final int RECORD_FIELDS = 2_048;
    /** What writing a body as a JSON string can make of one of its bytes. */
    public static final int BODY_ESCAPE = 2;
    /** SQS's smallest MaximumMessageSize. */
    public static final int SQS_MINIMUM = 1_024;

    private PipeInput() {}

    /** The largest body size (whole KiB) whose batch of {@code batchSize} fits {@link #LIMIT} in the worst case. */
    public static int maximumMessageSize(int batchSize) {
        if (batchSize < 1 || batchSize > 10) throw new IllegalArgumentException("batch size 1-10");
        int perRecord = (LIMIT - arrayOverhead(batchSize)) / batchSize;
        int body = (perRecord - RECORD_FIELDS) / BODY_ESCAPE;
        return Math.max(SQS_MINIMUM, body / 1_024 * 1_024);
    }

    /** The largest Pipe input a batch of {@code batchSize} bodies of at most {@code maxMessageSize} bytes can be. */
    public static long worstCaseInput(int batchSize, int maxMessageSize) {
        return arrayOverhead(batchSize) + (long) batchSize * (RECORD_FIELDS + (long) BODY_ESCAPE * maxMessageSize);
    }

    /** Brackets and commas of the JSON array of records. */
    private static int arrayOverhead(int batchSize) {
        return 2 + (batchSize - 1);
    }
}
