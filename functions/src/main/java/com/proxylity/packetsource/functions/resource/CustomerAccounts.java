package com.proxylity.packetsource.functions.resource;

import java.util.List;

/**
 * The calls the resource makes in the customer's account: AssumeRole with the customer's
 * ExternalId, then SNS with the role's credentials (never with ours). AWS in Lambda
 * ({@link AwsCustomerAccounts}), the local STS and SNS endpoints in local mode and tests.
 */
public interface CustomerAccounts {
    /** @throws CustomerCallException ACCESS_DENIED when the trust policy or ExternalId does not match */
    TopicSession assume(String roleArn, String externalId);

    /** One subscription of a topic as ListSubscriptionsByTopic reports it. */
    record Subscription(String subscriptionArn, String protocol, String endpoint) {
        public boolean pending() {
            return "PendingConfirmation".equals(subscriptionArn);
        }
    }

    /** SNS calls under the assumed role, to the topic's region. */
    interface TopicSession extends AutoCloseable {
        /**
         * Subscribe with protocol sqs, the filter policy on message attributes, raw delivery off,
         * ReturnSubscriptionArn true (so a pending subscription's ARN is known). SNS answers the
         * same endpoint and attributes with the same subscription, which makes this idempotent.
         */
        String subscribe(String topicArn, String queueArn, String filterPolicy);

        /** Already gone (NotFound) is not an error. */
        void unsubscribe(String subscriptionArn);

        /** Every subscription of the topic (all pages). */
        List<Subscription> subscriptions(String topicArn);

        @Override
        void close();
    }
}
