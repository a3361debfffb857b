package com.proxylity.packetsource.functions.resource;

/**
 * FAILED reasons a customer can act on. AccessDenied ones name the permission or trust condition
 * that is missing and the usual cause when everything looks right: CloudFormation created the
 * Packet Source before the role's policy existed, which {@code DependsOn} prevents.
 */
public final class Reasons {
    static final String DEPENDS_ON = " If the role and its policy are in the same stack, add DependsOn: [<the policy>] to the Packet Source so that CloudFormation creates it after them.";

    private Reasons() {}

    public static String invalidApiKey() {
        return "ApiKey is invalid: it is not a key Proxylity issued (or it was revoked); use the current key of your Proxylity account";
    }

    public static String accountDisabled() {
        return "Your Proxylity account is disabled: Creates and Updates are refused until Proxylity enables it again (Deletes still work)";
    }

    public static String unknownListener(String name) {
        return "Unknown Listener " + ResourceProperties.clip(name) + ": ListenerName must name a Listener of your Proxylity account";
    }

    public static String notYourAccount(String property, String arn) {
        return property + " " + ResourceProperties.clip(arn) + " is not in an AWS account of your Proxylity account;"
                + " ask Proxylity to add the account";
    }

    public static String notYours() {
        return "PhysicalResourceId is not a Packet Source of the account the ApiKey belongs to";
    }

    public static String topicTaken(String topicArn) {
        return "SnsTopicSource.TopicArn " + ResourceProperties.clip(topicArn) + " already feeds another Packet Source; a topic can feed only one";
    }

    public static String assumeDenied(String roleArn, String externalId) {
        return "AccessDenied on sts:AssumeRole of " + roleArn + ": the role's trust policy must allow Proxylity's provider"
                + " the action sts:AssumeRole with the condition StringEquals sts:ExternalId = " + externalId
                + " (the ExternalId of your Proxylity account)." + DEPENDS_ON;
    }

    public static String snsDenied(String action, String roleArn, String topicArn) {
        return "AccessDenied on " + action + ": role " + roleArn + " may not call " + action + " on " + topicArn
                + "; attach a policy allowing sns:Subscribe, sns:Unsubscribe and sns:ListSubscriptionsByTopic on that topic." + DEPENDS_ON;
    }

    /** The statement the customer adds to its outcome topic's policy, quoted whole so it can be pasted. */
    public static String outcomeTopicDenied(String topicArn, String publisherAccount, String publisherRoles) {
        return "AccessDenied on sns:Publish of OutcomeTopicVerified to OutcomeTopicArn " + topicArn
                + ": add this statement to the topic's policy: {\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
                + publisherAccount + ":root\"},\"Action\":\"sns:Publish\",\"Resource\":\"" + topicArn
                + "\",\"Condition\":{\"ArnLike\":{\"aws:PrincipalArn\":\"" + publisherRoles + "\"}}}"
                + " (the outcome publisher roles of every region Proxylity serves: summaries of a message are"
                + " published by the role of the region that sends its packets)."
                + " If the topic policy is in the same stack, add DependsOn: [<the topic policy>] to the Packet Source.";
    }

    public static String outcomeTopicIsPacketTopic(String topicArn) {
        return "OutcomeTopicArn " + ResourceProperties.clip(topicArn) + " is the SnsTopicSource.TopicArn of a Packet Source;"
                + " summaries published there would come back as its messages: name a topic that feeds no Packet Source";
    }

    public static String outcomeTopicFailed(String topicArn, String error) {
        return "sns:Publish of OutcomeTopicVerified to OutcomeTopicArn " + ResourceProperties.clip(topicArn) + " failed: "
                + ResourceProperties.clip(error);
    }

    public static String callFailed(CustomerCallException e) {
        return e.action() + " failed: " + ResourceProperties.clip(e.getMessage());
    }
}
