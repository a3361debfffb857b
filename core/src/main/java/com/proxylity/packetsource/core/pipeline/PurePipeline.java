package com.proxylity.packetsource.core.pipeline;

import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline's pure sequence, defined here once: Validate → Admit → Format, SQS records to
 * the exact bytes to send. The Validate Lambda handler, local mode (which runs that handler) and
 * {@code dry-run} all run this class; each caller adds only what needs the outside world
 * (confirming subscriptions, metrics, printing). The rest of the sequence, Lookup → Batch, is
 * {@link LookupSessionsStage}, run by the LookupSessions state because it needs the session
 * directory (docs/architecture.md, "The pipeline").
 */
public final class PurePipeline {
    /** One line of the result: a packet, a discard, or a control message, for one Id. */
    public sealed interface Outcome permits Packet, Discarded, ControlMessage {
        String id();
    }

    public record Packet(ReadyPacket packet) implements Outcome {
        public String id() { return packet.id(); }
    }

    public record Discarded(Discard discard) implements Outcome {
        public String id() { return discard.id(); }
    }

    public record ControlMessage(Control control) implements Outcome {
        public String id() { return control.id(); }
    }

    /**
     * What each step made of one batch: {@code validated} (its entries, controls and messages),
     * {@code admitted} (the entries Format received) and {@code formatted} (the packets).
     */
    public record Result(List<SqsRecord> records, ValidateOutput validated, AdmitOutput admitted, PacketsOutput formatted) {
        /** Every discard of the batch: Validate's and Admit's, then Format's. */
        public List<Discard> discards() {
            List<Discard> all = new ArrayList<>(admitted.discards());
            all.addAll(formatted.discards());
            return all;
        }

        /** One outcome per Id, in record order, then entry order (message-level Ids first). */
        public List<Outcome> outcomes() {
            List<Outcome> all = new ArrayList<>();
            validated.controls().forEach(c -> all.add(new ControlMessage(c)));
            discards().forEach(d -> all.add(new Discarded(d)));
            formatted.packets().forEach(p -> all.add(new Packet(p)));
            Map<String, Integer> position = new HashMap<>();
            for (int i = 0; i < records.size(); i++) position.putIfAbsent(records.get(i).messageId(), i);
            all.sort(Comparator.<Outcome>comparingInt(o -> position.getOrDefault(EntryId.messageIdOf(o.id()), -1))
                    .thenComparingInt(o -> EntryId.indexOf(o.id())));
            return all;
        }
    }

    private final ValidateStage validate;
    private final AdmitStage admit;
    private final FormatStage format;

    public PurePipeline(ValidateStage validate, AdmitStage admit, FormatStage format) {
        this.validate = validate;
        this.admit = admit;
        this.format = format;
    }

    /**
     * @throws com.proxylity.packetsource.core.contract.DependencyUnavailableException only when
     *     the registry or the signing certificates are unavailable for now (see {@link ValidateStage#validate})
     */
    public Result process(List<SqsRecord> records) {
        ValidateOutput validated = validate.validate(records);
        AdmitOutput admitted = admit.admit(validated);
        return new Result(List.copyOf(records), validated, admitted, format.format(admitted.entries()));
    }

    /** {@link #process}'s outcomes. */
    public List<Outcome> run(List<SqsRecord> records) {
        return process(records).outcomes();
    }

    /**
     * A bare {@code {"Messages":[...]}} body already attributed to a source, through the same
     * Admit and Format (fuzzing reaches the body checks without an envelope this way).
     */
    public List<Outcome> runBody(String messageId, String body, PacketSource source,
                                 Listener listener) {
        ValidateOutput validated = validate.validateBody(messageId, body, source, listener);
        AdmitOutput admitted = admit.admit(validated);
        return new Result(List.of(new SqsRecord(messageId, body)), validated, admitted,
                format.format(admitted.entries())).outcomes();
    }
}
