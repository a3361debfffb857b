package com.proxylity.packetsource.local.stepfunctions;

import java.util.concurrent.atomic.AtomicLong;

/** What the pollers did: executions, records in, records done, records left for redelivery. */
public final class RunnerStats {
    public final AtomicLong batches = new AtomicLong();
    public final AtomicLong records = new AtomicLong();
    public final AtomicLong succeeded = new AtomicLong();
    public final AtomicLong failed = new AtomicLong();
    public final AtomicLong failedExecutions = new AtomicLong();
}
