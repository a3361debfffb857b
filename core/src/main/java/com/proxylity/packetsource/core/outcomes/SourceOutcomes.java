package com.proxylity.packetsource.core.outcomes;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.pipeline.Discard;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What happened to one Packet Source's entries in part of a pipeline execution, bounded for the
 * state it travels in: a count per outcome ({@value #DELIVERED} or a discard reason) and at most
 * {@value #MAX_LISTED} discards listed, the rest counted in {@code DiscardsOmitted}. The
 * discards keep the pipeline's Ids (SQS messageId and entry index) until the summary is built
 * ({@link OutcomeSummary}), and their Detail is cut to {@value #MAX_DETAIL} characters, so one
 * listed discard costs no more of the state than the state budget allows an entry's discard
 * (docs/packet-sources.md, "Your own outcomes").
 */
public record SourceOutcomes(@JsonProperty("Counts") Map<String, Long> counts,
                             @JsonProperty("Discards") List<Discard> discards,
                             @JsonProperty("DiscardsOmitted") long discardsOmitted) {
    public static final String DELIVERED = "Delivered";
    public static final int MAX_LISTED = 20;
    public static final int MAX_DETAIL = 200;

    public SourceOutcomes {
        counts = counts == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        discards = discards == null ? List.of() : List.copyOf(discards);
    }

    public static SourceOutcomes empty() {
        return new SourceOutcomes(Map.of(), List.of(), 0);
    }

    public boolean isEmpty() {
        return counts.values().stream().allMatch(n -> n == 0);
    }

    public Builder toBuilder() {
        return new Builder().add(this);
    }

    /** Accumulates one source's outcomes; not thread-safe (one per handler invocation). */
    public static final class Builder {
        private final Map<String, Long> counts = new LinkedHashMap<>();
        private final List<Discard> listed = new ArrayList<>();
        private long omitted;

        public Builder delivered(long n) {
            if (n > 0) counts.merge(DELIVERED, n, Long::sum);
            return this;
        }

        public Builder discarded(Discard d) {
            counts.merge(d.reason().name(), 1L, Long::sum);
            list(d);
            return this;
        }

        /** Another part's outcomes; its listed discards are listed here while there is room, else omitted. */
        public Builder add(SourceOutcomes other) {
            if (other == null) return this;
            other.counts().forEach((k, v) -> {
                if (v != null && v > 0) counts.merge(k, v, Long::sum);
            });
            for (Discard d : other.discards()) list(d);
            omitted += Math.max(0, other.discardsOmitted());
            return this;
        }

        private void list(Discard d) {
            if (listed.size() >= MAX_LISTED) {
                omitted++;
                return;
            }
            String detail = d.detail();
            if (detail != null && detail.length() > MAX_DETAIL) detail = detail.substring(0, MAX_DETAIL - 1) + "…";
            listed.add(new Discard(d.id(), d.reason(), detail));
        }

        public boolean isEmpty() {
            return counts.isEmpty();
        }

        public SourceOutcomes build() {
            return new SourceOutcomes(counts, listed, omitted);
        }
    }
}
