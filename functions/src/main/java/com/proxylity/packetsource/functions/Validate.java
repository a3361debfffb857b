package com.proxylity.packetsource.functions;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.MessageSchema;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.pipeline.Control;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.EntryId;
import com.proxylity.packetsource.core.pipeline.FormatStage;
import com.proxylity.packetsource.core.pipeline.PacketsOutput;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import com.proxylity.packetsource.core.pipeline.ValidateOutput;
import com.proxylity.packetsource.core.pipeline.ValidateStage;
import com.proxylity.packetsource.core.pipeline.ValidatedEntry;
import com.proxylity.packetsource.core.pipeline.ValidatedMessage;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.contract.DependencyUnavailableException;
import com.proxylity.packetsource.core.snsauth.EnvelopeVerifier;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.ratelimit.RateLimiter;
import com.proxylity.packetsource.functions.state.StageHandler;
import com.proxylity.packetsource.functions.state.StateBudget;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * First state: the Pipe's batch of SQS records to the exact bytes to send. Core
 * {@link ValidateStage} (SNS's signature, envelope, topic authentication, EgressRegion, max age,
 * schema; a signing certificate that cannot be fetched now is a {@link TransientException}), then
 * around it what needs the outside world: SubscriptionConfirmations of registered topics are
 * confirmed (those of other topics are UnknownTopic discards in the core), the per-message state
 * budget ({@code TooLarge}, see {@link StateBudget}) and the per-source rate limit
 * ({@code RateLimited}); then core {@link FormatStage} on the entries it admitted (formatter,
 * decode, Remote/Inner, egress policy, size caps). Format is pure, so it runs here rather than
 * as a state of its own: one Lambda round trip fewer on the publish-to-egress path
 * (docs/latency.md, proposal 2). Its output is what the next state needs: {@code Packets},
 * {@code PublishedAt}, {@code Redelivered}, and every discard made here.
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
        private final java.util.Set<String> redelivered = new java.util.HashSet<>();

        public PipeBatch() {}

        public PipeBatch(List<SqsRecord> records) {
            super(records);
        }

        /** messageIds whose {@code attributes.ApproximateReceiveCount} is above 1: SQS delivered them before. */
        public java.util.Set<String> redelivered() {
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

    private final ValidateStage stage;
    private final FormatStage format;
    private final SubscriptionConfirmer confirmer;
    private final RateLimiter rateLimiter;
    private final StateBudget budget;
    private final PipelineMetrics metrics;

    public Validate() {
        this(Environment.registry(), Environment.region(), Clock.systemUTC(), Environment.subscriptionConfirmer(),
                Environment.rateLimiter(), new StateBudget(Environment.pipeBatchSize()), Environment.egressPolicy(),
                Environment.pipelineMetrics(), Environment.envelopeVerifier());
    }

    /**
     * @param region this deployment's region (EgressRegion must name it); null skips the check
     * @param budget the per-message share of the state size limit (from the Pipe's batch size)
     * @param egressPolicy the destinations Format refuses ({@code EgressDenied})
     * @param verifier which envelopes are SNS's ({@code BadSignature}); deployed, the one that
     *     fetches SNS's certificates ({@code Environment.envelopeVerifier()})
     */
    public Validate(Registry registry, String region, Clock clock, SubscriptionConfirmer confirmer,
                    RateLimiter rateLimiter, StateBudget budget, EgressPolicy egressPolicy, PipelineMetrics metrics,
                    EnvelopeVerifier verifier) {
        super(PipeBatch.class);
        this.stage = new ValidateStage(registry, region, clock, new MessageSchema(), verifier);
        this.format = new FormatStage(egressPolicy);
        this.confirmer = confirmer;
        this.rateLimiter = rateLimiter;
        this.budget = budget;
        this.metrics = metrics;
    }

    @Override
    public PacketsState handle(PipeBatch records) {
        PipelineMetrics.Tally tally = metrics.tally();
        // A redelivered record was counted when it was first received (docs/pipeline.md, "Metrics under retries").
        java.util.Set<String> again = records.redelivered();
        tally.count(PipelineMetrics.MESSAGES_RECEIVED, records.stream().filter(r -> !again.contains(r.messageId())).count());
        tally.sample(PipelineMetrics.PIPE_BATCH_SIZE, records.size());
        ValidateOutput out;
        try {
            out = stage.validate(records);
        } catch (DependencyUnavailableException e) {
            // The only exception the stage lets out (registry or signing certificate unavailable):
            // content always ends as a record's outcome.
            throw new TransientException(e.getMessage(), e);
        }
        for (Control c : out.controls()) control(c, tally);

        List<ValidatedEntry> entries = new ArrayList<>();
        List<Discard> discards = new ArrayList<>();
        limit(out.entries(), out.discards(), out.messages(), entries, discards);

        Map<String, Long> publishedAt = new LinkedHashMap<>();
        for (ValidatedEntry e : entries) {
            String m = EntryId.messageIdOf(e.id());
            ValidatedMessage message = out.messages().get(m);
            if (message != null && message.publishedAt() != null) publishedAt.put(m, message.publishedAt());
        }
        for (Discard d : out.discards()) {
            // Either a forgery attempt or SNS's certificate changing under us: operators need to tell which.
            if (d.reason() == DiscardReason.BadSignature) LOG.warn("record not signed by SNS record={} detail={}", d.id(), d.detail());
        }
        // Counted so that received = delivered + discarded: a whole-message discard counts once.
        long received = 0;
        for (Discard d : discards) {
            if (again.contains(EntryId.messageIdOf(d.id()))) continue;
            tally.discard(d.reason());
            received++;
        }
        java.util.Set<String> redelivered = new java.util.LinkedHashSet<>();
        for (ValidatedEntry e : entries) {
            if (again.contains(EntryId.messageIdOf(e.id()))) redelivered.add(EntryId.messageIdOf(e.id()));
            else received++;
        }
        tally.count(PipelineMetrics.PACKETS_RECEIVED, received);

        // Format, on the admitted entries only: an entry is received once above, and each of its
        // discards here is counted once, on the record's first receive, like Validate's own.
        PacketsOutput formatted = format.format(entries);
        for (Discard d : formatted.discards()) {
            if (!again.contains(EntryId.messageIdOf(d.id()))) tally.discard(d.reason());
        }
        discards.addAll(formatted.discards());
        Map<String, String> listenerOf = new java.util.HashMap<>();
        for (ValidatedEntry e : out.entries()) listenerOf.put(e.id(), e.listener());
        for (Discard d : discards) {
            // Only an authenticated message's topic is named: any other TopicArn is the sender's claim.
            ValidatedMessage m = out.messages().get(EntryId.messageIdOf(d.id()));
            tally.explain(d, m == null ? null : m.topicArn(), listenerOf.get(d.id()));
        }
        // Flushed last, after everything that can throw: a retried invocation has counted nothing.
        tally.flush();
        LOG.info("validated records={} entries={} packets={} discards={} controls={}", records.size(), entries.size(),
                formatted.packets().size(), discards.size(), out.controls().size());
        return new PacketsState(formatted.packets(), discards, publishedAt, List.copyOf(redelivered));
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

    /**
     * Per message: the state budget first (entries admitted in order while the message's share
     * lasts, each one that does not fit is TooLarge; a message with more entries than its share
     * can report is one TooLarge in place of its entries and entry discards; refused entries take
     * no rate tokens), then the source's rate limit (entries beyond it are RateLimited).
     */
    private void limit(List<ValidatedEntry> in, List<Discard> coreDiscards, Map<String, ValidatedMessage> validated,
                       List<ValidatedEntry> kept, List<Discard> discards) {
        Map<String, List<ValidatedEntry>> byMessage = new LinkedHashMap<>();
        for (ValidatedEntry e : in) byMessage.computeIfAbsent(EntryId.messageIdOf(e.id()), k -> new ArrayList<>()).add(e);
        Map<String, List<Discard>> entryDiscards = new LinkedHashMap<>();
        for (Discard d : coreDiscards) {
            if (!EntryId.isEntry(d.id())) continue;
            entryDiscards.computeIfAbsent(EntryId.messageIdOf(d.id()), k -> new ArrayList<>()).add(d);
        }
        java.util.Set<String> tooLarge = new java.util.HashSet<>();
        Map<String, List<ValidatedEntry>> admitted = new LinkedHashMap<>();
        List<Discard> entriesTooLarge = new ArrayList<>();
        java.util.Set<String> messages = new java.util.LinkedHashSet<>(byMessage.keySet());
        messages.addAll(entryDiscards.keySet());
        for (String m : messages) {
            StateBudget.Admission a = budget.admit(byMessage.getOrDefault(m, List.of()),
                    entryDiscards.getOrDefault(m, List.of()).size());
            if (a.whole()) {
                tooLarge.add(m);
            } else {
                if (byMessage.containsKey(m)) admitted.put(m, a.kept());
                entriesTooLarge.addAll(a.tooLarge());
            }
        }
        for (Discard d : coreDiscards) {
            if (!tooLarge.contains(EntryId.messageIdOf(d.id()))) discards.add(d);
        }
        discards.addAll(entriesTooLarge);
        for (String m : tooLarge) {
            discards.add(new Discard(m, DiscardReason.TooLarge, "message has more entries than its "
                    + budget.perMessage() + " bytes share of the state size limit can report"));
        }
        for (Map.Entry<String, List<ValidatedEntry>> m : admitted.entrySet()) {
            ValidatedMessage message = validated.get(m.getKey());
            int rate = message == null ? 0 : message.ratePerSecond();
            List<ValidatedEntry> list = m.getValue();
            int granted = rate > 0 && !list.isEmpty() ? rateLimiter.acquire(message.topicArn(), rate, list.size()) : list.size();
            for (int i = 0; i < list.size(); i++) {
                if (i < granted) kept.add(list.get(i));
                else discards.add(new Discard(list.get(i).id(), DiscardReason.RateLimited,
                        "Packet Source rate limit of " + rate + " packets/s"));
            }
        }
    }
}
