package com.proxylity.packetsource.core.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * An SQS record body as SNS writes it when raw message delivery is off (docs/architecture.md#cross-account-subscription: the
 * envelope's {@code TopicArn} is what tells us who published, once its signature is verified).
 * The queue policy alone cannot tell SNS's envelopes from a customer's: a customer owns its
 * topic, can switch its subscription to raw delivery and publish an envelope naming another
 * topic. So the signature fields are kept, and {@code core.snsauth} verifies them before
 * anything here is believed.
 *
 * @param messageAttributes String-typed attributes by name (other types are kept as their text)
 * @param timestamp when SNS accepted the publish; null only for control messages that lack it
 * @param subscribeUrl/token only for SubscriptionConfirmation / UnsubscribeConfirmation
 * @param subject only for notifications published with one
 * @param signatureVersion/signature/signingCertUrl SNS's signature over the signed fields
 */
public record SnsEnvelope(Type type, String messageId, String topicArn, String message,
                          Instant timestamp, Map<String, String> messageAttributes,
                          String subscribeUrl, String token, String subject,
                          String signatureVersion, String signature, String signingCertUrl) {

    /**
     * The Timestamps an envelope may carry. SNS stamps the time it accepted the publish; anything
     * outside these bounds is not SNS's, and bounding it keeps every later use (age, epoch
     * milliseconds) free of overflow.
     */
    public static final Instant EARLIEST_TIMESTAMP = Instant.EPOCH;
    public static final Instant LATEST_TIMESTAMP = Instant.parse("9999-12-31T23:59:59.999Z");

    /** The message attribute naming the region a packet must leave from (docs/architecture.md#message-contract). */
    public static final String EGRESS_REGION = "EgressRegion";

    public enum Type {
        Notification, SubscriptionConfirmation, UnsubscribeConfirmation;

        static Type of(String text) throws MalformedMessageException {
            for (Type t : values()) {
                if (t.name().equals(text)) return t;
            }
            throw new MalformedMessageException("SNS envelope Type is not one of Notification, "
                    + "SubscriptionConfirmation, UnsubscribeConfirmation");
        }
    }

    public SnsEnvelope {
        messageAttributes = messageAttributes == null ? Map.of() : Map.copyOf(messageAttributes);
    }

    /** Never prints the message, token or signature (payloads, subscription secrets). */
    @Override
    public String toString() {
        return "SnsEnvelope[" + type + " " + messageId + " " + topicArn + " " + timestamp + "]";
    }

    public String egressRegion() {
        return messageAttributes.get(EGRESS_REGION);
    }

    /** Reads and checks an SQS record body; bounded to {@link ContractLimits#MAX_BODY_BYTES}. */
    public static SnsEnvelope parse(String body) throws MalformedMessageException {
        return from(read(body));
    }

    /** The body as a JSON object, bounded to {@link ContractLimits#MAX_BODY_BYTES}; its fields are not checked yet. */
    public static JsonNode read(String body) throws MalformedMessageException {
        ContractLimits.checkSize(body, "SQS body");
        JsonNode root = Json.read(body, "SQS body");
        if (!root.isObject()) throw new MalformedMessageException("SQS body is not a JSON object");
        return root;
    }

    /** Checks the fields of a body {@link #read} returned. */
    public static SnsEnvelope from(JsonNode root) throws MalformedMessageException {
        Type type = Type.of(text(root, "Type", true));
        String messageId = text(root, "MessageId", true);
        String topicArn = text(root, "TopicArn", true);
        String message = text(root, "Message", true);
        String ts = text(root, "Timestamp", type == Type.Notification);
        Instant timestamp = null;
        if (ts != null) {
            try {
                timestamp = Instant.parse(ts);
            } catch (DateTimeParseException e) {
                throw new MalformedMessageException("SNS envelope Timestamp is not ISO-8601");
            }
            if (timestamp.isBefore(EARLIEST_TIMESTAMP) || timestamp.isAfter(LATEST_TIMESTAMP)) {
                throw new MalformedMessageException("SNS envelope Timestamp is out of range");
            }
        }
        String subscribeUrl = text(root, "SubscribeURL", false);
        String token = text(root, "Token", false);
        if (type == Type.SubscriptionConfirmation && (subscribeUrl == null || token == null)) {
            throw new MalformedMessageException("SubscriptionConfirmation without SubscribeURL and Token");
        }
        return new SnsEnvelope(type, messageId, topicArn, message, timestamp,
                attributes(root.get("MessageAttributes")), subscribeUrl, token, text(root, "Subject", false),
                text(root, "SignatureVersion", false), text(root, "Signature", false),
                text(root, "SigningCertURL", false));
    }

    private static String text(JsonNode root, String field, boolean required) throws MalformedMessageException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) throw new MalformedMessageException("SNS envelope has no " + field);
            return null;
        }
        if (!n.isTextual()) throw new MalformedMessageException("SNS envelope " + field + " is not a string");
        return n.textValue();
    }

    private static Map<String, String> attributes(JsonNode node) throws MalformedMessageException {
        Map<String, String> out = new HashMap<>();
        if (node == null || node.isNull()) return out;
        if (!node.isObject()) throw new MalformedMessageException("SNS envelope MessageAttributes is not an object");
        var fields = node.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            JsonNode value = e.getValue().get("Value");
            if (value != null && value.isTextual()) out.put(e.getKey(), value.textValue());
        }
        return out;
    }
}
