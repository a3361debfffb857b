package com.proxylity.packetsource.core.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An SNS control message for a registered topic. The pipeline confirms a
 * SubscriptionConfirmation through the SNS {@code ConfirmSubscription} API with its token (never by
 * fetching {@code subscribeUrl}; docs/architecture.md#cross-account-subscription) and only
 * records an UnsubscribeConfirmation. Control messages for unregistered topics never get here:
 * they are discarded as UnknownTopic.
 */
public record Control(@JsonProperty("Id") String id,
                      @JsonProperty("Type") String type,
                      @JsonProperty("TopicArn") String topicArn,
                      @JsonProperty("SubscribeURL") String subscribeUrl,
                      @JsonProperty("Token") String token) {
    public static final String SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation";
    public static final String UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation";
}
