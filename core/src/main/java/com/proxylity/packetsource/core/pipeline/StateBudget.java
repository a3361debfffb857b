package com.proxylity.packetsource.core.pipeline;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.format.Formatters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every state's data under the Step Functions limit (256 KiB as UTF-8) whatever the Pipe
 * batch holds: each message gets an equal share. {@link AdmitStage} admits a message's entries in order
 * while its share lasts; an entry that does not fit in what is left is {@code TooLarge} on its
 * own and later entries that fit still go ({@link #admit}). Only a message with more entries
 * than its share can even report as discards is one {@code TooLarge} as a whole. The
 * arithmetic is in docs/pipeline.md ("Payload limits").
 *
 * <p>The bound is on the largest state the message's entries occupy: Validate's output (which
 * runs Format; LookupSessions' output holds the same packets in batches, or as its discards),
 * where each entry becomes a packet whose
 * Payload is base64 of at most what its formatter can decode (each formatter's
 * {@link com.proxylity.packetsource.core.format.Formatter#decodedBound}) plus an
 * inner IPv6/UDP header, or a discard.
 */
public final class StateBudget {
    /** Step Functions' limit for a state's input or output, bytes of UTF-8. */
    public static final int STATE_LIMIT = DeploymentNumbers.STATE_LIMIT_BYTES;
    /** Left for what is not per message: field names, PublishedAt, the egress batches' own fields, Map results. */
    public static final int RESERVE = DeploymentNumbers.STATE_RESERVE_BYTES;
    /** JSON of one packet apart from Payload and Listener: Id, names, type, address, port, key, punctuation. */
    static final int PER_PACKET_FIELDS = 256;
    /** Largest inner header core FormatStage adds (IPv6 40 + UDP 8). */
    static final int MAX_INNER_HEADER = 48;
    /**
     * One discard as the handlers report it ({"Id","Reason","Detail"}), generously: an entry that
     * the schema rejects costs state too, and a message of hundreds of them must not overflow it.
     */
    public static final int PER_DISCARD = 320;
    /**
     * What a message of a Packet Source with an outcome topic also needs of its share: the copies
     * of its listed discards the state carries to PublishOutcomes (at most
     * {@link com.proxylity.packetsource.core.outcomes.SourceOutcomes#MAX_LISTED}, each cut to
     * a discard's size), its record and source entries with their ARNs and counts
     * (docs/packet-sources.md, "Your own outcomes").
     */
    public static final int OUTCOMES_PER_MESSAGE =
            com.proxylity.packetsource.core.outcomes.SourceOutcomes.MAX_LISTED * PER_DISCARD + 2_048;

    private final int perMessage;

    /** @param pipeBatchSize the Pipe's BatchSize: the most messages one execution carries */
    public StateBudget(int pipeBatchSize) {
        this.perMessage = DeploymentNumbers.stateSharePerMessage(pipeBatchSize);
    }

    public int perMessage() {
        return perMessage;
    }

    /** Upper bound of the state bytes one message's entries can need downstream. */
    public static long estimate(List<ValidatedEntry> entries) {
        long total = 0;
        for (ValidatedEntry e : entries) total += cost(e);
        return total;
    }

    /** Whether a message with these entries and this many entry-level discards fits its share. */
    public boolean fits(List<ValidatedEntry> entries, int entryDiscards) {
        return estimate(entries) + (long) entryDiscards * PER_DISCARD <= perMessage;
    }

    /**
     * What one message keeps of its share: {@code kept} in order, {@code tooLarge} one discard
     * per entry that did not fit, or {@code whole} when even one discard per entry would not fit
     * (then the message is a single TooLarge in place of its entries and entry discards).
     */
    public record Admission(boolean whole, List<ValidatedEntry> kept, List<Discard> tooLarge) {}

    /**
     * Admits entries in order: each is kept if its bound fits in what is left of the share, else
     * it is TooLarge. Every entry is first counted as a discard (its cost if refused), so what
     * is kept plus every discard stays within the share whatever the sizes.
     *
     * @param entryDiscards discards the schema already made among this message's entries
     */
    public Admission admit(List<ValidatedEntry> entries, int entryDiscards) {
        return admit(entries, entryDiscards, false);
    }

    /** @param reportsOutcomes the message's source has an outcome topic: {@link #OUTCOMES_PER_MESSAGE} of the share is its */
    public Admission admit(List<ValidatedEntry> entries, int entryDiscards, boolean reportsOutcomes) {
        long used = (long) (entries.size() + entryDiscards) * PER_DISCARD + (reportsOutcomes ? OUTCOMES_PER_MESSAGE : 0);
        if (used > perMessage) return new Admission(true, List.of(), List.of());
        List<ValidatedEntry> kept = new ArrayList<>(entries.size());
        List<Discard> tooLarge = new ArrayList<>();
        for (ValidatedEntry e : entries) {
            long cost = Math.max(cost(e), PER_DISCARD);
            long left = perMessage - used + PER_DISCARD;
            if (cost <= left) {
                kept.add(e);
                used += cost - PER_DISCARD;
            } else {
                tooLarge.add(new Discard(e.id(), DiscardReason.TooLarge, "entry needs up to " + cost
                        + " bytes of state; " + left + " left of the message's " + perMessage
                        + "-byte share of the state size limit"));
            }
        }
        return new Admission(false, kept, tooLarge);
    }

    private static long cost(ValidatedEntry e) {
        long data = Formatters.decodedBound(e.formatter(), e.entry() == null ? null : e.entry().get("Data")) + MAX_INNER_HEADER;
        return PER_PACKET_FIELDS + e.id().length() + utf8(e.listener()) + 4 * ((data + 2) / 3);
    }

    private static long utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
