package com.proxylity.packetsource.functions;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.proxylity.packetsource.core.outcomes.OutcomeSubjects;
import com.proxylity.packetsource.core.outcomes.OutcomeSummary;
import com.proxylity.packetsource.core.outcomes.SourceOutcomes;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.model.EgressStateResult;
import com.proxylity.packetsource.functions.model.OutcomeResults;
import com.proxylity.packetsource.functions.model.OutcomeState;
import com.proxylity.packetsource.functions.outcomes.OutcomePublisher;
import com.proxylity.packetsource.functions.outcomes.OutcomeSummaryLimiter;
import com.proxylity.packetsource.functions.state.StageHandler;
import com.proxylity.packetsource.functions.state.StateJson;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * After the Map: one summary per Packet Source with an outcome topic that had entries in this
 * execution, published to the customer's topic (docs/packet-sources.md, "Your own outcomes").
 * Best effort by design: the packets have left, so nothing here may fail the batch or make it
 * retried. A publish that fails is counted ({@value #OUTCOME_PUBLISH_FAILED}) and dropped; the
 * state has no Retry and its Catch goes on to ReportFailures with the state's input unchanged.
 * A source's summaries are rate-limited per execution environment ({@link OutcomeSummaryLimiter});
 * a dropped one is counted ({@value #OUTCOME_SUMMARIES_SUPPRESSED}) and reported by the next.
 * A publish refused by the customer's topic policy is the customer's to fix: counted apart
 * ({@value #OUTCOME_PUBLISH_DENIED}, not alarmed) with a log line naming the source, so no
 * customer can raise the operator's {@value #OUTCOME_PUBLISH_FAILED} alarm at will. Each publish
 * is bounded ({@code SnsOutcomePublisher}); once {@link #PUBLISH_BUDGET} has passed, the rest
 * are dropped and counted ({@value #OUTCOME_SUMMARIES_DROPPED}), so a slow topic never runs the
 * state into its timeout, and the metrics are flushed however the loop ends.
 */
public final class PublishOutcomes extends StageHandler<OutcomeResults, PublishOutcomes.Published> {
    private static final Logger LOG = LogManager.getLogger(PublishOutcomes.class);
    public static final String OUTCOME_SUMMARIES_PUBLISHED = "OutcomeSummariesPublished";
    public static final String OUTCOME_SUMMARIES_SUPPRESSED = "OutcomeSummariesSuppressed";
    public static final String OUTCOME_PUBLISH_FAILED = "OutcomePublishFailed";
    public static final String OUTCOME_PUBLISH_DENIED = "OutcomePublishDenied";
    public static final String OUTCOME_SUMMARIES_DROPPED = "OutcomeSummariesDropped";
    /**
     * No publish starts after this much of the state: one more bounded call
     * (SnsOutcomePublisher.CALL_TIMEOUT) still ends well inside the function's timeout
     * (PipelineFunctions, PublishOutcomes).
     */
    public static final Duration PUBLISH_BUDGET = Duration.ofSeconds(6);
    /** The SNS Subject of every summary, so a subscriber's filter or an email rule can tell them apart. */
    public static final String SUBJECT = OutcomeSubjects.SUMMARY;
    /** Summaries per Packet Source per second from one execution environment. */
    public static final int SUMMARIES_PER_SECOND = 1;

    /** The state's result (the definition drops it: ResultPath null); for tests and local mode. */
    public record Published(@JsonProperty("Summaries") List<OutcomeSummary> summaries,
                            @JsonProperty("Suppressed") int suppressed,
                            @JsonProperty("Failed") int failed,
                            @JsonProperty("Denied") int denied,
                            @JsonProperty("Dropped") int dropped) {}

    private final OutcomePublisher publisher;
    private final String region;
    private final OutcomeSummaryLimiter limiter;
    private final PipelineMetrics metrics;
    private final Clock clock;

    public PublishOutcomes() {
        this(Environment.outcomePublisher(), Environment.region(),
                new OutcomeSummaryLimiter(Environment.rateLimiter(), SUMMARIES_PER_SECOND), Environment.pipelineMetrics());
    }

    /** @param region this deployment's region, named in every summary */
    public PublishOutcomes(OutcomePublisher publisher, String region, OutcomeSummaryLimiter limiter, PipelineMetrics metrics) {
        this(publisher, region, limiter, metrics, Clock.systemUTC());
    }

    /** @param clock measures {@link #PUBLISH_BUDGET} */
    public PublishOutcomes(OutcomePublisher publisher, String region, OutcomeSummaryLimiter limiter, PipelineMetrics metrics,
                           Clock clock) {
        super(OutcomeResults.class);
        this.clock = clock;
        this.publisher = publisher;
        this.region = region;
        this.limiter = limiter;
        this.metrics = metrics;
    }

    @Override
    public Published handle(OutcomeResults input) {
        OutcomeState state = input.outcomes();
        Map<String, SourceOutcomes.Builder> bySource = new LinkedHashMap<>();
        state.sources().forEach((source, s) -> bySource.put(source, s.outcomes().toBuilder()));
        for (EgressStateResult r : input.results()) {
            if (r == null) continue;
            r.outcomes().forEach((sqsId, o) -> {
                OutcomeState.Record rec = state.records().get(sqsId);
                // Only records Validate attributed to a source with an outcome topic: nothing else is named.
                if (rec != null && bySource.containsKey(rec.source())) bySource.get(rec.source()).add(o);
            });
        }
        PipelineMetrics.Tally tally = metrics.tally();
        Instant deadline = clock.instant().plus(PUBLISH_BUDGET);
        List<OutcomeSummary> sent = new ArrayList<>();
        int suppressed = 0;
        int failed = 0;
        int denied = 0;
        int dropped = 0;
        try {
            for (Map.Entry<String, SourceOutcomes.Builder> e : bySource.entrySet()) {
                String source = e.getKey();
                if (e.getValue().isEmpty()) continue;
                if (!clock.instant().isBefore(deadline)) {
                    dropped++;
                    continue;
                }
                if (!limiter.tryAcquire(source)) {
                    suppressed++;
                    continue;
                }
                long before = limiter.takeSuppressed(source);
                OutcomeSummary summary = OutcomeSummary.of(source, region, e.getValue().build(), sqsId -> {
                    OutcomeState.Record rec = state.records().get(sqsId);
                    return rec == null ? null : rec.snsMessageId();
                }, before);
                String topic = state.sources().get(source).outcomeTopicArn();
                try {
                    publisher.publish(topic, SUBJECT, json(summary));
                    sent.add(summary);
                } catch (OutcomePublisher.AccessDeniedException ex) {
                    denied++;
                    limiter.giveBack(source, before);
                    LOG.warn("outcome summary refused by the customer's topic policy source={} outcomeTopic={}", source, topic);
                } catch (RuntimeException ex) {
                    failed++;
                    limiter.giveBack(source, before);
                    LOG.warn("outcome summary not published source={} outcomeTopic={} error={}", source, topic,
                            ex.getClass().getSimpleName());
                }
            }
        } finally {
            tally.count(OUTCOME_SUMMARIES_PUBLISHED, sent.size());
            if (suppressed > 0) tally.count(OUTCOME_SUMMARIES_SUPPRESSED, suppressed);
            if (failed > 0) tally.count(OUTCOME_PUBLISH_FAILED, failed);
            if (denied > 0) tally.count(OUTCOME_PUBLISH_DENIED, denied);
            if (dropped > 0) tally.count(OUTCOME_SUMMARIES_DROPPED, dropped);
            tally.flush();
        }
        if (dropped > 0) LOG.warn("outcome summaries dropped at the state's deadline dropped={}", dropped);
        return new Published(sent, suppressed, failed, denied, dropped);
    }

    private static String json(OutcomeSummary s) {
        try {
            return StateJson.MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
