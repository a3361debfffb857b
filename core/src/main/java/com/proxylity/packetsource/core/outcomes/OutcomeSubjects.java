package com.proxylity.packetsource.core.outcomes;

/**
 * The SNS Subjects of what Packet Source publishes to customers' outcome topics. SNS signs the
 * Subject, so Validate can trust it: a notification carrying one of these is our own summary or
 * verification message that came back through a packet topic, and is never attributed to a
 * source, or its discard would make another summary, and that one another (docs/packet-sources.md,
 * "Your own outcomes").
 */
public final class OutcomeSubjects {
    /** Every outcome summary. */
    public static final String SUMMARY = "Packet Source outcomes";
    /** The provider's OutcomeTopicVerified message. */
    public static final String VERIFIED = "Packet Source outcome topic verified";

    private OutcomeSubjects() {}

    /** Whether a notification's Subject marks it as something Packet Source published itself. */
    public static boolean isOurs(String subject) {
        return SUMMARY.equals(subject) || VERIFIED.equals(subject);
    }
}
