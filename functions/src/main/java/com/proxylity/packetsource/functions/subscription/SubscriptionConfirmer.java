package com.proxylity.packetsource.functions.subscription;

/** Confirms an SNS subscription of our queue to a registered Packet Source's topic. */
@FunctionalInterface
public interface SubscriptionConfirmer {
    /**
     * ConfirmSubscription with AuthenticateOnUnsubscribe: only the topic owner (or AWS) may then
     * unsubscribe the queue, not whoever holds the token from the confirmation message.
     *
     * @throws RejectedException when SNS refuses this confirmation for good (expired or foreign
     *     token, no permission): retrying the same message can never succeed
     */
    void confirm(String topicArn, String token);

    /**
     * SNS answered with a client error other than throttling. The message carries the SNS error
     * code only, never the token.
     */
    final class RejectedException extends RuntimeException {
        public RejectedException(String errorCode) {
            super("ConfirmSubscription refused: " + errorCode, null, false, false);
        }
    }
}
