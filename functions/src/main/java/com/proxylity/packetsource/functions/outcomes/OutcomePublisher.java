package com.proxylity.packetsource.functions.outcomes;

/**
 * Publishes one message to a customer's outcome topic as the region's outcome publisher role
 * (docs/packet-sources.md, "Your own outcomes").
 */
public interface OutcomePublisher {
    /**
     * @throws AccessDeniedException the topic's policy does not let the outcome publisher role publish
     * @throws RuntimeException any other failure (the topic gone, SNS unavailable, a timeout)
     */
    void publish(String topicArn, String subject, String message);

    /** The topic's policy does not grant sns:Publish to the outcome publisher role (or the topic is not there for it). */
    final class AccessDeniedException extends RuntimeException {
        public AccessDeniedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
