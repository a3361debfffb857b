package com.proxylity.packetsource.functions.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.pipeline.ValidatedEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Keeps every state's data under the Step Functions limit (256 KiB as UTF-8) whatever the Pipe
 * batch holds: each message gets an equal share, and a message whose packets could need more
 * than its share downstream is discarded whole as {@code TooLarge} by Validate, before anything
 * is sent. The arithmetic is in docs/pipeline.md ("Payload limits").
 *
 * <p>The bound is on the largest state the message's entries occupy after Validate: Format's
 * output (and Batch's, which holds the same packets), where each entry becomes a packet whose
 * Payload is base64 of at most its Data's UTF-8 bytes (every formatter decodes to no more bytes
 * than its text; coap's binary form is smaller than its JSON) plus an inner IPv6/UDP header.
 */
public final class StateBudget {
    /** Step Functions' limit for a state's input or output, bytes of UTF-8. */
    public static final int STATE_LIMIT = 262_144;
    /** Left for what is not per message: field names, PublishedAt, Batch's per-batch fields, Map results. */
    public static final int RESERVE = 16 * 1024;
    /** JSON of one packet apart from Payload and Listener: Id, names, type, address, port, key, punctuation. */
    static final int PER_PACKET_FIELDS = 256;
    /** Largest inner header Format adds (IPv6 40 + UDP 8). */
    static final int MAX_INNER_HEADER = 48;

    private final int perMessage;

    /** @param pipeBatchSize the Pipe's BatchSize: the most messages one execution carries */
    public StateBudget(int pipeBatchSize) {
        if (pipeBatchSize < 1) throw new IllegalArgumentException("pipe batch size must be positive");
        this.perMessage = (STATE_LIMIT - RESERVE) / pipeBatchSize;
    }

    public int perMessage() {
        return perMessage;
    }

    /** Upper bound of the state bytes one message's entries can need downstream. */
    public static long estimate(List<ValidatedEntry> entries) {
        long total = 0;
        for (ValidatedEntry e : entries) {
            long data = dataBytes(e.entry() == null ? null : e.entry().get("Data")) + MAX_INNER_HEADER;
            total += PER_PACKET_FIELDS + e.id().length() + utf8(e.listener()) + 4 * ((data + 2) / 3);
        }
        return total;
    }

    public boolean fits(List<ValidatedEntry> entries) {
        return estimate(entries) <= perMessage;
    }

    private static long dataBytes(JsonNode data) {
        if (data == null || data.isNull()) return 0;
        return data.isTextual() ? utf8(data.textValue()) : utf8(data.toString());
    }

    private static long utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
