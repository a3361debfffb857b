package com.proxylity.packetsource.core.egressapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.HashSet;
import java.util.Set;

/**
 * Body of {@code POST /v1/egress}: packets for one Listener, answered in the same order.
 *
 * @param deadline epoch millis (the client's clock) after which the client no longer waits for
 *     the answer and the sender must not send; null: none (a client before batch identity)
 * @param run the pipeline run that made the batch: the same for every attempt of one execution,
 *     another for the next execution (how the answer marks repeats, {@link EgressResponse#repeated()})
 * @param segments the packets' records and identities, covering the packets in order; empty: none
 */
public record EgressRequest(
        @JsonProperty("Listener") String listener,
        @JsonProperty("Packets") List<EgressPacket> packets,
        // Only the fields a version-1 client never sent are left out when unset, so such a request
        // reads back exactly as written (an empty Listener stays empty, not absent).
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("Deadline") Long deadline,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("Run") String run,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("Segments") List<EgressSegment> segments) {
    public EgressRequest {
        packets = packets == null ? List.of() : List.copyOf(packets);
        segments = segments == null ? List.of() : List.copyOf(segments);
    }

    /** A request without deadline or identity (the version-1 form). */
    public EgressRequest(String listener, List<EgressPacket> packets) {
        this(listener, packets, null, null, List.of());
    }

    /**
     * Whether the identity fields are usable as they are: no segments, or segments whose ids are
     * well formed and distinct, and whose counts cover the packets exactly; a run of at most 64 printable
     * ASCII characters. The sender refuses a request where this is false (400).
     */
    public boolean identityWellFormed() {
        return identityWellFormed(packets.size(), run, segments);
    }

    /** As {@link #identityWellFormed()} for a request of {@code packetCount} packets read field by field. */
    public static boolean identityWellFormed(int packetCount, String run, List<EgressSegment> segments) {
        if (run != null && (run.isEmpty() || run.length() > EgressBinary.MAX_RUN_BYTES || !printable(run))) return false;
        if (segments.isEmpty()) return true;
        long covered = 0;
        Set<String> ids = new HashSet<>();
        for (EgressSegment s : segments) {
            if (s == null || s.packets() < 1 || !BatchIdentity.wellFormedId(s.id()) || !ids.add(s.id())) return false;
            covered += s.packets();
        }
        return covered == packetCount;
    }

    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < 0x21 || s.charAt(i) > 0x7e) return false;
        return true;
    }
}
