package com.proxylity.packetsource.functions.runtime;

/** Confirms an SNS subscription of our queue to a registered Packet Source's topic. */
@FunctionalInterface
public interface SubscriptionConfirmer {
    /**
     * ConfirmSubscription with AuthenticateOnUnsubscribe: only the topic owner (or AWS) may then
     * unsubscribe the queue, not whoever holds the token from the confirmation message.
     */
    void confirm(String topicArn, String token);
}
