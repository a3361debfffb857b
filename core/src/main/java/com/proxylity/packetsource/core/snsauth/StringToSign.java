package com.proxylity.packetsource.core.snsauth;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bytes SNS signs, rebuilt from an envelope's fields as AWS documents them ("Verifying the
 * signatures of Amazon SNS messages"): for each field in a fixed order, its name, a newline,
 * its value, a newline. The values are the decoded JSON strings, so escapes in the body do not
 * matter. A field the list needs but the envelope lacks means SNS did not write it.
 */
public final class StringToSign {
    public static final String NOTIFICATION = "Notification";
    public static final String SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation";
    public static final String UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation";

    /** Subject is signed only when present, and only SNS notifications carry one. */
    private static final List<String> NOTIFICATION_FIELDS =
            List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type");
    private static final List<String> CONFIRMATION_FIELDS =
            List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");

    private StringToSign() {}

    public static byte[] of(JsonNode envelope) throws BadSignatureException {
        if (envelope == null || !envelope.isObject()) throw new BadSignatureException("not an SNS envelope");
        String type = text(envelope, "Type");
        if (type == null) throw new BadSignatureException("no SNS envelope: raw message delivery or not from SNS");
        List<String> fields = switch (type) {
            case NOTIFICATION -> NOTIFICATION_FIELDS;
            case SUBSCRIPTION_CONFIRMATION, UNSUBSCRIBE_CONFIRMATION -> CONFIRMATION_FIELDS;
            default -> throw new BadSignatureException("SNS envelope Type is not one SNS signs");
        };
        StringBuilder out = new StringBuilder(256);
        for (String field : fields) {
            String value = text(envelope, field);
            if (value == null) {
                if (field.equals("Subject")) continue;
                throw new BadSignatureException("SNS envelope has no " + field + " to verify");
            }
            out.append(field).append('\n').append(value).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** null when absent or JSON null; a value of another type cannot have been signed as text. */
    static String text(JsonNode envelope, String field) throws BadSignatureException {
        JsonNode n = envelope.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw new BadSignatureException("SNS envelope " + field + " is not a string");
        return n.textValue();
    }
}
