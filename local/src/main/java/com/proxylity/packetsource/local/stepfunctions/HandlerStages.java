package com.proxylity.packetsource.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.pipeline.RateLimiter;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.session.TaskDirectory;
import com.proxylity.packetsource.core.snsauth.EnvelopeVerifier;
import com.proxylity.packetsource.core.usage.UsageStore;
import com.proxylity.packetsource.functions.Egress;
import com.proxylity.packetsource.functions.HandoverWait;
import com.proxylity.packetsource.functions.LookupSessions;
import com.proxylity.packetsource.functions.PublishOutcomes;
import com.proxylity.packetsource.functions.ReportFailures;
import com.proxylity.packetsource.functions.outcomes.OutcomePublisher;
import com.proxylity.packetsource.functions.outcomes.OutcomeSummaryLimiter;
import com.proxylity.packetsource.functions.ratelimit.TokenBucketRateLimiter;
import com.proxylity.packetsource.functions.Validate;
import com.proxylity.packetsource.functions.egressclient.EgressTransport;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.state.StageHandler;
import com.proxylity.packetsource.functions.subscription.SubscriptionConfirmer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Binds each Task state to the {@code functions} handler class of the same name, constructed
 * with local parts (in-memory registry and sessions, the local sender's egress API), and called
 * through the handler's own JSON entry ({@link StageHandler#handleJson}) so the data crosses the
 * same serialization as in Lambda.
 */
public final class HandlerStages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HandlerStages() {}

    /** Everything the handlers need from local mode. */
    /**
     * @param tasks the sender tasks' heartbeats (owner routing, several tasks); null: one sender at the registry's endpoint
     * @param usage each region's usage records
     */
    /** @param outcomes publishes outcome summaries to customers' outcome topics (docs/packet-sources.md) */
    public record Parts(Registry registry, SessionDirectory sessions, EgressPolicy egressPolicy,
                        RateLimiter rateLimiter, EgressTransport transport, PipelineMetrics metrics, Clock clock,
                        int pipeBatchSize, SubscriptionConfirmer confirmer, EnvelopeVerifier verifier, TaskDirectory tasks,
                        Function<String, UsageStore> usage, OutcomePublisher outcomes) {
        /** Without outcome topics: a summary publish fails, which the pipeline counts and goes on. */
        public Parts(Registry registry, SessionDirectory sessions, EgressPolicy egressPolicy, RateLimiter rateLimiter,
                     EgressTransport transport, PipelineMetrics metrics, Clock clock, int pipeBatchSize,
                     SubscriptionConfirmer confirmer, EnvelopeVerifier verifier, TaskDirectory tasks,
                     Function<String, UsageStore> usage) {
            this(registry, sessions, egressPolicy, rateLimiter, transport, metrics, clock, pipeBatchSize, confirmer, verifier,
                    tasks, usage, (topic, subject, message) -> {
                        throw new IllegalStateException("no outcome topics in this setup");
                    });
        }

        public Parts(Registry registry, SessionDirectory sessions, EgressPolicy egressPolicy, RateLimiter rateLimiter,
                     EgressTransport transport, PipelineMetrics metrics, Clock clock, int pipeBatchSize,
                     SubscriptionConfirmer confirmer, EnvelopeVerifier verifier, TaskDirectory tasks) {
            this(registry, sessions, egressPolicy, rateLimiter, transport, metrics, clock, pipeBatchSize, confirmer, verifier,
                    tasks, region -> UsageStore.NONE);
        }

        public Parts(Registry registry, SessionDirectory sessions, EgressPolicy egressPolicy, RateLimiter rateLimiter,
                     EgressTransport transport, PipelineMetrics metrics, Clock clock, int pipeBatchSize,
                     SubscriptionConfirmer confirmer, EnvelopeVerifier verifier) {
            this(registry, sessions, egressPolicy, rateLimiter, transport, metrics, clock, pipeBatchSize, confirmer, verifier, null);
        }

        /** Without subscription management: confirmations of pre-subscribed topics have nothing to confirm. */
        public Parts(Registry registry, SessionDirectory sessions, EgressPolicy egressPolicy, RateLimiter rateLimiter,
                     EgressTransport transport, PipelineMetrics metrics, Clock clock, int pipeBatchSize,
                     EnvelopeVerifier verifier) {
            this(registry, sessions, egressPolicy, rateLimiter, transport, metrics, clock, pipeBatchSize, (topicArn, token) -> { },
                    verifier, null);
        }
    }

    /** @param region the delivery queue's region: Validate accepts only EgressRegion = region */
    public static Map<String, PipelineStage> forRegion(String region, Parts p) {
        Map<String, PipelineStage> stages = new LinkedHashMap<>();
        UsageStore usage = p.usage().apply(region);
        stages.put("Validate", adapt(new Validate(p.registry(), region, p.clock(),
                p.confirmer(), p.rateLimiter(), new StateBudget(p.pipeBatchSize()), p.egressPolicy(), p.metrics(),
                p.verifier(), usage)));
        stages.put("LookupSessions", adapt(new LookupSessions(p.sessions(), p.registry(), p.clock(), p.metrics(), p.tasks(),
                usage)));
        stages.put("Egress", adapt(new Egress(p.transport(), p.clock(), p.metrics(),
                p.tasks() == null ? null : new HandoverWait(p.sessions(), p.tasks(), p.clock()), usage)));
        // Its own buckets: the summaries' rate limit is not the sources' packet rate limit.
        stages.put("PublishOutcomes", adapt(new PublishOutcomes(p.outcomes(), region,
                new OutcomeSummaryLimiter(new TokenBucketRateLimiter(p.clock()), PublishOutcomes.SUMMARIES_PER_SECOND), p.metrics())));
        stages.put("ReportFailures", adapt(new ReportFailures(p.metrics())));
        return stages;
    }

    static PipelineStage adapt(StageHandler<?, ?> handler) {
        return input -> {
            byte[] out = handler.handleJson(JSON.writeValueAsBytes(input));
            return JSON.readTree(out);
        };
    }
}
