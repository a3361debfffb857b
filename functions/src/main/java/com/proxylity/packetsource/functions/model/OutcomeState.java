package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.outcomes.SourceOutcomes;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.EntryId;
import com.proxylity.packetsource.core.pipeline.ValidatedMessage;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The outcomes the state carries from Validate to PublishOutcomes, only for Packet Sources with
 * an outcome topic (docs/packet-sources.md, "Your own outcomes"): bounded by the Pipe's batch
 * size in records and sources, and by {@link SourceOutcomes#MAX_LISTED} in listed discards per
 * source, each no larger than the discard the state budget already reserves for its entry.
 *
 * @param publish whether any source has an outcome topic: the Choice before PublishOutcomes reads
 *     it, so an execution without one costs no invocation
 * @param records per SQS messageId of such a source: which source, and its SNS MessageId
 * @param sources per source topic: where its summary goes and what happened before Egress
 */
public record OutcomeState(@JsonProperty("Publish") boolean publish,
                           @JsonProperty("Records") Map<String, Record> records,
                           @JsonProperty("Sources") Map<String, Source> sources) {
    /** @param source the Packet Source's topic; @param snsMessageId what the customer's Publish returned */
    public record Record(@JsonProperty("Source") String source, @JsonProperty("MessageId") String snsMessageId) {}

    public record Source(@JsonProperty("OutcomeTopicArn") String outcomeTopicArn,
                         @JsonProperty("Outcomes") SourceOutcomes outcomes) {
        public Source {
            outcomes = outcomes == null ? SourceOutcomes.empty() : outcomes;
        }
    }

    public OutcomeState {
        records = records == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(records));
        sources = sources == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        publish = !sources.isEmpty();
    }

    public static OutcomeState none() {
        return new OutcomeState(false, Map.of(), Map.of());
    }

    /** The records of {@code owners} (Validate's attributed messages) whose source has an outcome topic, nothing counted yet. */
    public static OutcomeState of(Map<String, ValidatedMessage> owners) {
        Map<String, Record> records = new LinkedHashMap<>();
        Map<String, Source> sources = new LinkedHashMap<>();
        owners.forEach((sqsId, m) -> {
            if (m.outcomeTopicArn() == null || m.snsMessageId() == null) return;
            records.put(sqsId, new Record(m.topicArn(), m.snsMessageId()));
            sources.putIfAbsent(m.topicArn(), new Source(m.outcomeTopicArn(), SourceOutcomes.empty()));
        });
        return new OutcomeState(false, records, sources);
    }

    /**
     * These discards added to their sources, those of records in {@code notCounted} left out (a
     * redelivered record's were reported on its first receive, as the metrics count them).
     */
    public OutcomeState withDiscards(Collection<Discard> discards, Set<String> notCounted) {
        if (records.isEmpty()) return this;
        Map<String, SourceOutcomes.Builder> added = new LinkedHashMap<>();
        for (Discard d : discards) {
            String m = EntryId.messageIdOf(d.id());
            Record r = records.get(m);
            if (r == null || notCounted.contains(m) || !sources.containsKey(r.source())) continue;
            added.computeIfAbsent(r.source(), k -> sources.get(k).outcomes().toBuilder()).discarded(d);
        }
        if (added.isEmpty()) return this;
        Map<String, Source> out = new LinkedHashMap<>(sources);
        added.forEach((k, b) -> out.put(k, new Source(sources.get(k).outcomeTopicArn(), b.build())));
        return new OutcomeState(true, records, out);
    }
}
