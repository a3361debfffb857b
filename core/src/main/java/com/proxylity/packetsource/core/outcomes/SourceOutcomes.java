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
 * ({@link OutcomeSummary}), and their Detail is cut to {@value #MAX_DETAIL} printable characters,
 * so one listed discard costs no more of the state than the state budget allows a discard; a
 * message of a source with an outcome topic pays for its copies up front
 * ({@code StateBudget.OUTCOMES_PER_MESSAGE}; docs/packet-sources.md, "Your own outcomes").
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
            listed.add(new Discard(d.id(), d.reason(), cut(d.detail())));
        }

        /**
         * At most {@value #MAX_DETAIL} printable ASCII characters, none that JSON escapes, so a
         * listed discard's JSON is no larger than its length says (StateBudget.PER_DISCARD).
         */
        static String cut(String detail) {
            if (detail == null) return null;
            StringBuilder b = new StringBuilder(Math.min(detail.length(), MAX_DETAIL));
            for (int i = 0; i < detail.length() && b.length() < MAX_DETAIL; i++) {
                char c = detail.charAt(i);
                b.append(c == '"' ? '\'' : c == '\\' ? '/' : c < 0x20 || c > 0x7e ? '?' : c);
            }
            if (b.length() == MAX_DETAIL && detail.length() > MAX_DETAIL) b.setCharAt(MAX_DETAIL - 1, '~');
            return b.toString();
        }

        public boolean isEmpty() {
            return counts.isEmpty();
        }

        public SourceOutcomes build() {
            return new SourceOutcomes(counts, listed, omitted);
        }
    }
}
