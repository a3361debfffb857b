package com.proxylity.packetsource.core.outcomes;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.EntryId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The message a customer's outcome topic receives: one per Packet Source per pipeline
 * execution that had entries of it (docs/packet-sources.md, "Your own outcomes"). Ids name the
 * SNS MessageId the customer's Publish returned, with {@code /<entry index>} for an entry, so the
 * customer can match its own records; Details name fields and rules, never payload bytes or
 * addresses (core {@link Discard}).
 *
 * @param summariesSuppressed summaries of this source that the rate limit dropped since the last one sent
 */
public record OutcomeSummary(@JsonProperty("Type") String type,
                             @JsonProperty("TopicArn") String topicArn,
                             @JsonProperty("Region") String region,
                             @JsonProperty("Counts") Map<String, Long> counts,
                             @JsonProperty("Discards") List<Listed> discards,
                             @JsonProperty("DiscardsOmitted") long discardsOmitted,
                             @JsonProperty("SummariesSuppressed") long summariesSuppressed) {
    public static final String TYPE = "PacketSourceOutcomes";

    /** One discard as the customer sees it. */
    public record Listed(@JsonProperty("Id") String id, @JsonProperty("Reason") DiscardReason reason,
                         @JsonProperty("Detail") String detail) {}

    /**
     * @param snsMessageIdOf the SNS MessageId of an SQS messageId (null if unknown: that discard is
     *     counted as omitted rather than listed under an Id the customer cannot match)
     */
    public static OutcomeSummary of(String topicArn, String region, SourceOutcomes outcomes,
                                    Function<String, String> snsMessageIdOf, long summariesSuppressed) {
        List<Listed> listed = new ArrayList<>();
        long omitted = outcomes.discardsOmitted();
        for (Discard d : outcomes.discards()) {
            String sqs = EntryId.messageIdOf(d.id());
            String sns = snsMessageIdOf.apply(sqs);
            if (sns == null) {
                omitted++;
                continue;
            }
            listed.add(new Listed(sns + d.id().substring(sqs.length()), d.reason(), d.detail()));
        }
        return new OutcomeSummary(TYPE, topicArn, region, outcomes.counts(), List.copyOf(listed), omitted, summariesSuppressed);
    }
}
