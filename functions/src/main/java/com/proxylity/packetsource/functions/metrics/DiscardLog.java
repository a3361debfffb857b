package com.proxylity.packetsource.functions.metrics;

import com.proxylity.packetsource.core.pipeline.Discard;

/**
 * Where each discard is explained: which entry, of which Packet Source, why. On AWS one JSON
 * line per discard, rate-limited ({@link RateLimitedDiscardLog}); local mode keeps the latest
 * in its summary. Called from {@link PipelineMetrics.Tally#flush()}, after everything in the
 * invocation that can throw, so a retried invocation explains nothing twice.
 */
public interface DiscardLog {
    /**
     * @param topicArn the Packet Source's topic when the handler knows it was authenticated; else null
     * @param listener the entry's Listener when the handler knows it; else null
     */
    void discarded(Discard discard, String topicArn, String listener);

    /** End of one invocation's discards: a chance to report what the bound held back. */
    default void endOfInvocation() {}

    DiscardLog NONE = (d, t, l) -> {};
}
