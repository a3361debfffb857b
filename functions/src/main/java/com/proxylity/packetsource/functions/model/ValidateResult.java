package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.pipeline.Control;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.ValidatedEntry;
import java.util.List;
import java.util.Map;

/**
 * Output of Validate, input of Format. The state keeps Entries and PublishedAt (its
 * ResultSelector drops the rest): discards are counted where they happen, and confirmed
 * subscriptions need nothing further.
 *
 * @param publishedAt SNS Timestamp (epoch millis) per SQS messageId that produced entries, for
 *     the publish-to-egress latency metric at Egress
 * @param redelivered SQS messageIds with entries that SQS delivered before (ApproximateReceiveCount
 *     above 1): their entries were counted as received, and their discards counted, on the first
 *     receive, so later states do not count them again (docs/pipeline.md, "Metrics under retries")
 */
public record ValidateResult(@JsonProperty("Entries") List<ValidatedEntry> entries,
                             @JsonProperty("Discards") List<Discard> discards,
                             @JsonProperty("Controls") List<Control> controls,
                             @JsonProperty("PublishedAt") Map<String, Long> publishedAt,
                             @JsonProperty("Redelivered") List<String> redelivered) {
    public ValidateResult(List<ValidatedEntry> entries, List<Discard> discards, List<Control> controls,
                          Map<String, Long> publishedAt) {
        this(entries, discards, controls, publishedAt, List.of());
    }

    public ValidateResult {
        entries = entries == null ? List.of() : entries;
        discards = discards == null ? List.of() : discards;
        controls = controls == null ? List.of() : controls;
        publishedAt = publishedAt == null ? Map.of() : publishedAt;
        redelivered = redelivered == null ? List.of() : redelivered;
    }
}
