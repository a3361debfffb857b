package com.proxylity.packetsource.functions.resource;

import com.proxylity.packetsource.core.outcomes.OutcomeSubjects;
import com.proxylity.packetsource.functions.outcomes.OutcomePublisher;

/**
 * Proves at deploy time that a customer's outcome topic takes the summaries: one
 * {@code OutcomeTopicVerified} message published as the region's outcome publisher role, the
 * principal the topic's policy must grant (docs/packet-sources.md, "Your own outcomes"). A
 * policy that does not grant it fails the Create or Update with the statement to add, instead of
 * every later summary failing in silence.
 *
 * @param publisherRoleArn the outcome publisher role (stack output PacketSourceOutcomePublisherRoleArn)
 * @param publisher publishes with that role's credentials; null: this deployment offers no outcome
 *     topics, and a resource naming one is refused
 */
public record OutcomeTopicCheck(String publisherRoleArn, OutcomePublisher publisher) {
    public static final String VERIFIED = "OutcomeTopicVerified";
    /** What every region's publisher role name starts with (cdk PipelineFunction.roleName); the region follows. */
    static final String ROLE_PREFIX = ":role/packet-source-PublishOutcomes-";

    /** The account whose publisher roles publish: the one the topic policy's principal names. */
    public String publisherAccount() {
        String[] parts = publisherRoleArn.split(":", 6);
        return parts.length == 6 ? parts[4] : "";
    }

    /** Every served region's publisher role, for the policy's aws:PrincipalArn condition. */
    public String publisherRoles() {
        int i = publisherRoleArn.indexOf(ROLE_PREFIX);
        return i < 0 ? publisherRoleArn : publisherRoleArn.substring(0, i + ROLE_PREFIX.length()) + "*";
    }

    /** No outcome topics here. */
    public static OutcomeTopicCheck none() {
        return new OutcomeTopicCheck(null, null);
    }

    /** @throws ResourceFailure with the reason CloudFormation shows */
    void verify(String outcomeTopicArn, String sourceTopicArn, String region) throws ResourceFailure {
        if (publisher == null) {
            throw new ResourceFailure("OutcomeTopicArn is not offered by this Proxylity deployment; remove the property");
        }
        String message = "{\"Type\":\"" + VERIFIED + "\",\"TopicArn\":\"" + sourceTopicArn + "\",\"Region\":\"" + region
                + "\",\"OutcomeTopicArn\":\"" + outcomeTopicArn + "\"}";
        try {
            publisher.publish(outcomeTopicArn, OutcomeSubjects.VERIFIED, message);
        } catch (OutcomePublisher.AccessDeniedException e) {
            throw new ResourceFailure(Reasons.outcomeTopicDenied(outcomeTopicArn, publisherAccount(), publisherRoles()));
        } catch (RuntimeException e) {
            throw new ResourceFailure(Reasons.outcomeTopicFailed(outcomeTopicArn, e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }
}
