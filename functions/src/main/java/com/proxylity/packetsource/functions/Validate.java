package com.proxylity.packetsource.functions;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.MessageSchema;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.pipeline.Control;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.EntryId;
import com.proxylity.packetsource.core.pipeline.AdmitStage;
import com.proxylity.packetsource.core.pipeline.FormatStage;
import com.proxylity.packetsource.core.pipeline.PurePipeline;
import com.proxylity.packetsource.core.pipeline.RateLimiter;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.proxylity.packetsource.core.pipeline.ValidateOutput;
import com.proxylity.packetsource.core.pipeline.ValidateStage;
import com.proxylity.packetsource.core.pipeline.ValidatedEntry;
import com.proxylity.packetsource.core.pipeline.ValidatedMessage;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.contract.DependencyUnavailableException;
import com.proxylity.packetsource.core.snsauth.EnvelopeVerifier;
import com.proxylity.packetsource.core.usage.UsageSource;
import com.proxylity.packetsource.core.usage.UsageStore;
import com.proxylity.packetsource.core.usage.UsageTally;
import com.proxylity.packetsource.core.usage.UsageUnavailableException;
import com.proxylity.packetsource.functions.model.OutcomeState;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.outcomes.OutcomeTopicOwnership;
import com.proxylity.packetsource.functions.state.StageHandler;
import com.proxylity.packetsource.functions.subscription.SubscriptionConfirmer;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * First state: the Pipe's batch of SQS records to the exact bytes to send. The work is core
 * {@link PurePipeline} (Validate → Admit → Format: SNS's signature, envelope, topic
 * authentication, EgressRegion, max age, schema; the state budget and the rate limit; formatter,
 * decode, Remote/Inner, egress policy, size caps), the same sequence local mode and
 * {@code dry-run} run. This handler adds only what needs the outside world: the registry, the
 * signing certificates (one that cannot be fetched now is a {@link TransientException}),
 * confirming the SubscriptionConfirmations of registered topics, the process's rate-limit
 * buckets and the metrics. Format runs here rather than as a state of its own: one Lambda round
 * trip fewer on the publish-to-egress path (docs/latency.md, proposal 2). Its output is what
 * the next state needs: {@code Packets}, {@code PublishedAt}, {@code Redelivered}, the
 * {@code Outcomes} of sources with an outcome topic, and every discard made here.
 */
public final class Validate extends StageHandler<Validate.PipeBatch, PacketsState> {
    private static final Logger LOG = LogManager.getLogger(Validate.class);
    /** {@code MessagesIgnored} kind of a SubscriptionConfirmation that SNS refused for good. */
    public static final String SUBSCRIPTION_REJECTED = "SubscriptionConfirmationRejected";

    /**
     * The state machine input: the SQS records exactly as the Pipe hands them over. A body that
     * arrives as a JSON object rather than a string (an input transformer that parsed it) is
     * taken as its JSON text, so such a deployment change cannot fail every batch.
     */
    @JsonDeserialize(using = PipeBatchReader.class)
    public static final class PipeBatch extends ArrayList<SqsRecord> {
        private final Set<String> redelivered = new HashSet<>();

        public PipeBatch() {}

        public PipeBatch(List<SqsRecord> records) {
            super(records);
        }

        /** messageIds whose {@code attributes.ApproximateReceiveCount} is above 1: SQS delivered them before. */
        public Set<String> redelivered() {
            return redelivered;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PipeBatch b && super.equals(b) && redelivered.equals(b.redelivered);
        }

        @Override
        public int hashCode() {
            return super.hashCode() * 31 + redelivered.hashCode();
        }
    }

    static final class PipeBatchReader extends JsonDeserializer<PipeBatch> {
        @Override
        public PipeBatch deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonNode root = p.readValueAsTree();
            JsonNode records = root != null && root.isObject() && root.has("Records") ? root.get("Records") : root;
            if (records == null || !records.isArray()) {
                throw MismatchedInputException.from(p, PipeBatch.class, "state input is not an array of SQS records");
            }
            PipeBatch out = new PipeBatch();
            for (JsonNode r : records) {
                JsonNode body = r.get("body");
                String messageId = r.path("messageId").asText(null);
                out.add(new SqsRecord(messageId,
                        body == null || body.isNull() ? null : body.isTextual() ? body.textValue() : body.toString()));
                if (messageId != null && receiveCount(r) > 1) out.redelivered.add(messageId);
            }
            return out;
        }

        /** SQS's count as the Pipe passes it (a string); absent or unreadable counts as a first receive. */
        private static long receiveCount(JsonNode record) {
            JsonNode n = record.path("attributes").path("ApproximateReceiveCount");
            if (n.isIntegralNumber()) return n.longValue();
            if (!n.isTextual()) return 1;
            try {
                return Long.parseLong(n.textValue());
            } catch (NumberFormatException e) {
                return 1;
            }
        }
    }

    /** Messages whose source's outcome topic is no longer its customer's: no summary for them (OutcomeTopicOwnership). */
    public static final String OUTCOME_TOPIC_NOT_THEIRS = "OutcomeTopicNotTheirs";

    private final PurePipeline pipeline;
    private final OutcomeTopicOwnership outcomeTopics;
    private final SubscriptionConfirmer confirmer;
    private final PipelineMetrics metrics;
    private final Clock clock;
    private final UsageStore usage;

    public Validate() {
        this(Environment.registry(), Environment.region(), Clock.systemUTC(), Environment.subscriptionConfirmer(),
                Environment.rateLimiter(), new StateBudget(Environment.pipeBatchSize()), Environment.egressPolicy(),
                Environment.pipelineMetrics(), Environment.envelopeVerifier(), Environment.usageStore());
    }

    /** Without usage records (tests of other behaviour). */
    public Validate(Registry registry, String region, Clock clock, SubscriptionConfirmer confirmer,
                    RateLimiter rateLimiter, StateBudget budget, EgressPolicy egressPolicy, PipelineMetrics metrics,
                    EnvelopeVerifier verifier) {
        this(registry, region, clock, confirmer, rateLimiter, budget, egressPolicy, metrics, verifier, UsageStore.NONE);
    }

    /**
     * @param region this deployment's region (EgressRegion must name it); null skips the check
     * @param budget the per-message share of the state size limit (from the Pipe's batch size)
     * @param egressPolicy the destinations Format refuses ({@code EgressDenied})
     * @param verifier which envelopes are SNS's ({@code BadSignature}); deployed, the one that
     *     fetches SNS's certificates ({@code Environment.envelopeVerifier()})
     * @param usage where each source's messages received and discards are added (docs/usage.md)
     */
    public Validate(Registry registry, String region, Clock clock, SubscriptionConfirmer confirmer,
                    RateLimiter rateLimiter, StateBudget budget, EgressPolicy egressPolicy, PipelineMetrics metrics,
                    EnvelopeVerifier verifier, UsageStore usage) {
        super(PipeBatch.class);
        this.pipeline = new PurePipeline(new ValidateStage(registry, region, clock, new MessageSchema(), verifier),
                new AdmitStage(budget, rateLimiter), new FormatStage(egressPolicy));
        this.confirmer = confirmer;
        this.metrics = metrics;
        this.clock = clock;
        this.usage = usage;
        this.outcomeTopics = new OutcomeTopicOwnership(registry);
    }

    @Override
    public PacketsState handle(PipeBatch records) {
        PipelineMetrics.Tally tally = metrics.tally();
        // A redelivered record was counted when it was first received (docs/pipeline.md, "Metrics under retries").
        Set<String> again = records.redelivered();
        tally.count(PipelineMetrics.MESSAGES_RECEIVED, records.stream().filter(r -> !again.contains(r.messageId())).count());
        tally.sample(PipelineMetrics.PIPE_BATCH_SIZE, records.size());
        PurePipeline.Result result;
        try {
            result = pipeline.process(records);
        } catch (DependencyUnavailableException e) {
            // The only exception the pipeline lets out (registry or signing certificate unavailable):
            // content always ends as a record's outcome.
            throw new TransientException(e.getMessage(), e);
        }
        ValidateOutput validated = result.validated();
        for (Control c : validated.controls()) control(c, tally);

        Map<String, Long> publishedAt = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        Set<String> redelivered = new LinkedHashSet<>();
        for (ValidatedEntry e : result.admitted().entries()) {
            String m = EntryId.messageIdOf(e.id());
            ValidatedMessage message = validated.messages().get(m);
            if (message != null && message.publishedAt() != null) publishedAt.put(m, message.publishedAt());
            if (message != null) sources.put(m, UsageSource.of(message.customerId(), message.topicArn()).wire());
            if (again.contains(m)) redelivered.add(m);
        }
        UsageTally usageTally = new UsageTally();
        long now = clock.millis();
        validated.messages().forEach((m, message) -> {
            // Billed on the first receive only, as the metrics are (docs/usage.md).
            if (again.contains(m)) return;
            usageTally.at(source(message), publishedAtOr(message, now)).message().topicArn(message.topicArn());
        });
        for (Discard d : validated.discards()) {
            // Either a forgery attempt or SNS's certificate changing under us: operators need to tell which.
            if (d.reason() == DiscardReason.BadSignature) LOG.warn("record not signed by SNS record={} detail={}", d.id(), d.detail());
        }
        // Counted so that received = delivered + discarded, each on the record's first receive
        // only: a whole-message discard counts once, and every admitted entry ends as exactly one
        // packet or one Format discard.
        List<Discard> discards = result.discards();
        Map<String, String> listenerOf = new HashMap<>();
        for (ValidatedEntry e : validated.entries()) listenerOf.put(e.id(), e.listener());
        long received = 0;
        for (Discard d : discards) {
            ValidatedMessage m = validated.messages().get(EntryId.messageIdOf(d.id()));
            if (!again.contains(EntryId.messageIdOf(d.id()))) {
                tally.discard(d.reason());
                received++;
                // Only a message whose source was authenticated has an owner to count it for.
                if (m != null) usageTally.at(source(m), publishedAtOr(m, now)).discarded(d.reason());
            }
            // Only an authenticated message's topic is named: any other TopicArn is the sender's claim.
            tally.explain(d, m == null ? null : m.topicArn(), listenerOf.get(d.id()));
        }
        for (ReadyPacket p : result.formatted().packets()) {
            if (!again.contains(EntryId.messageIdOf(p.id()))) received++;
        }
        tally.count(PipelineMetrics.PACKETS_RECEIVED, received);
        try {
            usage.add(usageTally.nonEmpty());
        } catch (UsageUnavailableException e) {
            // Retried by the state: the receive count is unchanged, so the retry counts the same again.
            throw new TransientException("usage write failed", e);
        }
        OutcomeTopicOwnership.Checked owners = outcomeTopics.check(validated.owners());
        if (owners.refused() > 0) tally.count(OUTCOME_TOPIC_NOT_THEIRS, owners.refused());
        // Flushed last, after everything that can throw: a retried invocation has counted nothing.
        tally.flush();
        LOG.info("validated records={} entries={} packets={} discards={} controls={}", records.size(),
                result.admitted().entries().size(), result.formatted().packets().size(), discards.size(),
                validated.controls().size());
        OutcomeState outcomes = OutcomeState.of(owners.owners()).withDiscards(discards, again);
        return new PacketsState(result.formatted().packets(), discards, publishedAt, List.copyOf(redelivered), sources,
                outcomes);
    }

    private static UsageSource source(ValidatedMessage m) {
        return m.topicArn() == null ? null : UsageSource.of(m.customerId(), m.topicArn());
    }

    private static long publishedAtOr(ValidatedMessage m, long now) {
        return m.publishedAt() != null ? m.publishedAt() : now;
    }

    private void control(Control c, PipelineMetrics.Tally tally) {
        if (Control.SUBSCRIPTION_CONFIRMATION.equals(c.type())) {
            try {
                confirmer.confirm(c.topicArn(), c.token());
            } catch (SubscriptionConfirmer.RejectedException e) {
                // Final: counted and dropped, so this one message cannot fail its whole batch.
                tally.ignored(SUBSCRIPTION_REJECTED);
                LOG.warn("subscription confirmation refused record={} error={}", c.id(), e.getMessage());
                return;
            } catch (RuntimeException e) {
                throw new TransientException("ConfirmSubscription failed", e);
            }
            tally.count(PipelineMetrics.SUBSCRIPTIONS_CONFIRMED, 1);
            LOG.info("confirmed subscription record={}", c.id());
        } else {
            tally.ignored(c.type());
        }
    }
}
