package com.proxylity.packetsource.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.contract.ContractLimits;
import com.proxylity.packetsource.core.contract.DependencyUnavailableException;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.EntryProblem;
import com.proxylity.packetsource.core.contract.Json;
import com.proxylity.packetsource.core.contract.MalformedMessageException;
import com.proxylity.packetsource.core.contract.MessageSchema;
import com.proxylity.packetsource.core.contract.SnsEnvelope;
import com.proxylity.packetsource.core.format.Formatters;
import com.proxylity.packetsource.core.outcomes.OutcomeSubjects;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.snsauth.BadSignatureException;
import com.proxylity.packetsource.core.snsauth.EnvelopeVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;

/**
 * The Validate state: SQS records to validated entries. Message-level problems give one discard
 * per message (Id = SQS messageId); entry-level schema problems one discard per entry (Id =
 * messageId/index). Pure apart from the registry read and the signing certificates; thread-safe
 * if they are.
 *
 * <p>Order of message-level checks (first failing wins): body within the size limit and a JSON
 * object ({@code MalformedMessage}), envelope signed by SNS ({@code BadSignature}: before
 * anything in it is believed, so a forged envelope is never attributed to the topic it names),
 * envelope fields readable ({@code MalformedMessage}), topic registered with a registered Listener
 * that its customer owns ({@code UnknownTopic}, docs/architecture.md#tenancy), not one of our own
 * outcome messages come back ({@code MalformedMessage}, attributed to no source: {@link OutcomeSubjects}),
 * source enabled ({@code SourceDisabled}), {@code EgressRegion} present and naming this region
 * ({@code MalformedMessage}), age within the source's max age ({@code Stale}), body matches the
 * schema's message part ({@code MalformedMessage}).
 */
public final class ValidateStage {
    private final Registry registry;
    private final String region;
    private final Clock clock;
    private final MessageSchema schema;
    private final EnvelopeVerifier verifier;

    /**
     * @param region this deployment's region; messages whose EgressRegion differs are discarded.
     *     null skips the region check (dry run)
     * @param verifier decides whether a body is an envelope SNS signed
     */
    public ValidateStage(Registry registry, String region, Clock clock, MessageSchema schema,
                         EnvelopeVerifier verifier) {
        this.registry = registry;
        this.region = region;
        this.clock = clock;
        this.schema = schema;
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /**
     * One outcome per record whatever its content.
     *
     * @throws DependencyUnavailableException only when the registry or the signing certificates
     *     are unavailable for now (the caller retries the batch); anything else a record provokes
     *     is that record's {@code MalformedMessage}, so one record can never fail its neighbours
     */
    public ValidateOutput validate(List<SqsRecord> records) {
        Collector out = new Collector();
        EnvelopeVerifier batch = verifier.forBatch();
        for (SqsRecord r : records) {
            if (!EntryId.usableMessageId(r.messageId())) {
                out.discard(EntryId.UNUSABLE_MESSAGE_ID, DiscardReason.MalformedMessage, "SQS record without a usable messageId");
                continue;
            }
            int entries = out.entries.size();
            int discards = out.discards.size();
            int controls = out.controls.size();
            boolean known = out.messages.containsKey(r.messageId());
            boolean knownOwner = out.owners.containsKey(r.messageId());
            try {
                record(r, batch, out);
            } catch (DependencyUnavailableException e) {
                throw e;
            } catch (RuntimeException e) {
                // Undo what this record added so it ends as exactly one outcome.
                out.entries.subList(entries, out.entries.size()).clear();
                out.discards.subList(discards, out.discards.size()).clear();
                out.controls.subList(controls, out.controls.size()).clear();
                if (!known) out.messages.remove(r.messageId());
                if (!knownOwner) out.owners.remove(r.messageId());
                out.discard(r.messageId(), DiscardReason.MalformedMessage,
                        "message could not be validated (" + e.getClass().getSimpleName() + ")");
            }
        }
        return out.output();
    }

    private void record(SqsRecord r, EnvelopeVerifier batch, Collector out) {
        String id = r.messageId();
        JsonNode body;
        try {
            body = SnsEnvelope.read(r.body());
        } catch (MalformedMessageException e) {
            out.discard(id, DiscardReason.MalformedMessage, e.getMessage());
            return;
        }
        try {
            batch.verify(body);
        } catch (BadSignatureException e) {
            out.discard(id, DiscardReason.BadSignature, e.getMessage());
            return;
        }
        SnsEnvelope env;
        try {
            env = SnsEnvelope.from(body);
        } catch (MalformedMessageException e) {
            out.discard(id, DiscardReason.MalformedMessage, e.getMessage());
            return;
        }
        Optional<PacketSource> source = registry.packetSource(env.topicArn());
        if (source.isEmpty()) {
            out.discard(id, DiscardReason.UnknownTopic, "topic is not a registered Packet Source");
            return;
        }
        if (env.type() != SnsEnvelope.Type.Notification) {
            out.controls.add(new Control(id, env.type().name(), env.topicArn(), env.subscribeUrl(), env.token()));
            return;
        }
        PacketSource ps = source.get();
        Optional<Listener> listener = registry.listener(ps.listenerName());
        if (listener.isEmpty()) {
            out.discard(id, DiscardReason.UnknownTopic, "the Packet Source's Listener is not registered");
            return;
        }
        // Checked on every message, not only at Create: a Listener can be reassigned afterwards.
        if (!ps.mayUse(listener.get())) {
            out.discard(id, DiscardReason.UnknownTopic, "the Packet Source's Listener is not assigned to its customer");
            return;
        }
        if (OutcomeSubjects.isOurs(env.subject())) {
            // Our own summary or verification message, published to a packet topic: attributed to
            // nobody, so it makes no summary of its own and cannot feed itself.
            out.discard(id, DiscardReason.MalformedMessage, "a Packet Source outcome message, not packets");
            return;
        }
        Long publishedAt = env.timestamp() == null ? null : env.timestamp().toEpochMilli();
        ValidatedMessage message = new ValidatedMessage(ps.topicArn(), publishedAt, ps.ratePerSecond(), ps.customerId(),
                env.messageId(), ps.outcomeTopicArn());
        // From here on the source is known and its own: every outcome of this message is its owner's.
        out.owners.putIfAbsent(id, message);
        if (!ps.enabled()) {
            out.discard(id, DiscardReason.SourceDisabled, "Packet Source is disabled");
            return;
        }
        if (region != null) {
            String egress = env.egressRegion();
            if (egress == null) {
                out.discard(id, DiscardReason.MalformedMessage, "no EgressRegion message attribute");
                return;
            }
            if (!region.equals(egress)) {
                out.discard(id, DiscardReason.MalformedMessage,
                        "EgressRegion " + egress + " is not this region " + region);
                return;
            }
        }
        if (ps.maxAgeSeconds() > 0) {
            Duration age = Duration.between(env.timestamp(), clock.instant());
            if (age.getSeconds() > ps.maxAgeSeconds()) {
                out.discard(id, DiscardReason.Stale, "message is " + age.getSeconds()
                        + " s old, max age " + ps.maxAgeSeconds() + " s");
                return;
            }
        }
        body(id, env.message(), message, ps, listener.get(), out);
    }

    /**
     * Validates a bare {@code {"Messages":[...]}} body already attributed to a source, past the
     * envelope checks: {@link PurePipeline#runBody} for fuzzing the body checks directly. Whatever
     * judges a message as the pipeline will (the dry run too) wraps it in its envelope and calls
     * {@link #validate}.
     */
    public ValidateOutput validateBody(String messageId, String body, PacketSource source, Listener listener) {
        Collector out = new Collector();
        body(messageId, body, new ValidatedMessage(source.topicArn(), null, source.ratePerSecond()), source,
                listener, out);
        return out.output();
    }

    private void body(String id, String body, ValidatedMessage message, PacketSource ps, Listener listener,
                      Collector out) {
        JsonNode root;
        try {
            ContractLimits.checkSize(body, "Message");
            root = Json.read(body, "Message");
            schema.checkMessage(root);
        } catch (MalformedMessageException e) {
            out.discard(id, DiscardReason.MalformedMessage, e.getMessage());
            return;
        }
        // The first record of a messageId wins, should SQS hand the same message twice in one batch.
        out.messages.putIfAbsent(id, message);
        JsonNode entries = root.get("Messages");
        for (int i = 0; i < entries.size(); i++) {
            String entryId = EntryId.of(id, i);
            JsonNode entry = entries.get(i);
            Optional<EntryProblem> problem = schema.checkEntry(entry, listener.type());
            if (problem.isPresent()) {
                out.discard(entryId, problem.get().reason(), problem.get().detail());
                continue;
            }
            JsonNode f = entry.get("Formatter");
            String formatter = Formatters.resolveName(f == null || f.isNull() ? null : f.textValue(), ps.formatter());
            out.entries.add(new ValidatedEntry(entryId, listener.name(), listener.type(), formatter, entry,
                    listener.families()));
        }
    }

    private static final class Collector {
        final List<ValidatedEntry> entries = new ArrayList<>();
        final List<Discard> discards = new ArrayList<>();
        final List<Control> controls = new ArrayList<>();
        final Map<String, ValidatedMessage> messages = new LinkedHashMap<>();
        final Map<String, ValidatedMessage> owners = new LinkedHashMap<>();

        void discard(String id, DiscardReason reason, String detail) {
            discards.add(new Discard(id, reason, detail));
        }

        ValidateOutput output() {
            return new ValidateOutput(entries, discards, controls, messages, owners);
        }
    }
}
