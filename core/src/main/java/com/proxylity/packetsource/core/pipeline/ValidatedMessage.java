package com.proxylity.packetsource.core.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What Validate learnt about one SQS message whose body passed the schema, for the steps after
 * it: the handler's rate limit and the publish-to-egress latency, so nothing re-reads the
 * envelope or the registry.
 *
 * @param topicArn the Packet Source's topic (its rate limit's key)
 * @param publishedAt SNS Timestamp in epoch millis; null without an envelope (dry run of a bare body)
 * @param ratePerSecond the source's rate limit in packets per second; 0: none
 * @param customerId the source's owner (its usage is counted for it); null for an operator's source
 * @param snsMessageId the envelope's MessageId, what the publisher's Publish returned; null without an envelope
 * @param outcomeTopicArn where the source's owner wants its outcome summaries; null: nowhere
 */
public record ValidatedMessage(@JsonProperty("TopicArn") String topicArn,
                               @JsonProperty("PublishedAt") Long publishedAt,
                               @JsonProperty("RatePerSecond") int ratePerSecond,
                               @JsonProperty("CustomerId") String customerId,
                               @JsonProperty("SnsMessageId") String snsMessageId,
                               @JsonProperty("OutcomeTopicArn") String outcomeTopicArn) {
    /** Without an envelope's MessageId or an outcome topic. */
    public ValidatedMessage(String topicArn, Long publishedAt, int ratePerSecond, String customerId) {
        this(topicArn, publishedAt, ratePerSecond, customerId, null, null);
    }

    /** A message of a source no customer owns. */
    public ValidatedMessage(String topicArn, Long publishedAt, int ratePerSecond) {
        this(topicArn, publishedAt, ratePerSecond, null);
    }
}
