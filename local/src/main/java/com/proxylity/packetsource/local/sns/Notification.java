package com.proxylity.packetsource.local.sns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.snsauth.EnvelopeSigner;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The JSON envelope SNS puts into an SQS queue when raw delivery is off (docs/architecture.md#cross-account-subscription:
 * the envelope's TopicArn is what the pipeline authenticates). Field names, order and the
 * Timestamp format (ISO-8601, milliseconds, Z) are those of real SNS, and so is the signature:
 * made with the local SNS's own per-run key ({@link LocalSigningKey}), which only local mode
 * trusts.
 */
public final class Notification {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Notification() {}

    public static String timestamp(Instant at) {
        return TIMESTAMP.format(at.truncatedTo(ChronoUnit.MILLIS));
    }

    public static String envelope(String messageId, String topicArn, PublishEntry entry, Instant at,
                                  String subscriptionArn, String endpointBase, EnvelopeSigner signer) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Type", "Notification");
        n.put("MessageId", messageId);
        n.put("TopicArn", topicArn);
        if (entry.subject() != null) n.put("Subject", entry.subject());
        n.put("Message", entry.message());
        n.put("Timestamp", timestamp(at));
        n.put("UnsubscribeURL", endpointBase + "/?Action=Unsubscribe&SubscriptionArn=" + subscriptionArn);
        if (!entry.attributes().isEmpty()) {
            ObjectNode attrs = n.putObject("MessageAttributes");
            for (Map.Entry<String, MessageAttribute> a : entry.attributes().entrySet()) {
                ObjectNode v = attrs.putObject(a.getKey());
                v.put("Type", a.getValue().envelopeType());
                v.put("Value", a.getValue().value());
            }
        }
        return signer.sign(n).toString();
    }

    /**
     * The SubscriptionConfirmation SNS sends to a new subscription's queue. The pipeline confirms
     * it through the API (ConfirmSubscription with TopicArn and Token), never by fetching SubscribeURL.
     */
    public static String subscriptionConfirmation(String messageId, String topicArn, String token, Instant at, String endpointBase,
                                                  EnvelopeSigner signer) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Type", "SubscriptionConfirmation");
        n.put("MessageId", messageId);
        n.put("Token", token);
        n.put("TopicArn", topicArn);
        n.put("Message", "You have chosen to subscribe to the topic " + topicArn
                + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.");
        n.put("SubscribeURL", endpointBase + "/?Action=ConfirmSubscription&TopicArn=" + topicArn + "&Token=" + token);
        n.put("Timestamp", timestamp(at));
        return signer.sign(n).toString();
    }
}
