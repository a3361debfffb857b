package com.proxylity.packetsource.core.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Validate then Format, record by record, with every outcome in input order: what the dry run
 * prints and what the table-driven tests compare. The state machine runs the same two stages as
 * separate states; this class adds nothing but ordering.
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

    private final ValidateStage validate;
    private final FormatStage format;

    public PurePipeline(ValidateStage validate, FormatStage format) {
        this.validate = validate;
        this.format = format;
    }

    public List<Outcome> run(List<SqsRecord> records) {
        List<Outcome> out = new ArrayList<>();
        for (SqsRecord r : records) out.addAll(collect(validate.validate(List.of(r))));
        return out;
    }

    /** The same for an already validated output (e.g. a bare body via {@link ValidateStage#validateBody}). */
    public List<Outcome> collect(ValidateOutput v) {
        List<Outcome> one = new ArrayList<>();
        v.controls().forEach(c -> one.add(new ControlMessage(c)));
        v.discards().forEach(d -> one.add(new Discarded(d)));
        PacketsOutput f = format.format(v.entries());
        f.packets().forEach(p -> one.add(new Packet(p)));
        f.discards().forEach(d -> one.add(new Discarded(d)));
        one.sort(Comparator.comparingInt(o -> EntryId.indexOf(o.id())));
        return one;
    }
}
