package com.proxylity.packetsource.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.SnsEnvelope;
import com.proxylity.packetsource.core.pipeline.EntryId;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A bare {@code {"Messages":[...]}} body as the pipeline receives it once published: inside the
 * envelope SNS delivers to the queue. The dry run judges that record, not the bare text, so the
 * body limit applies to what the queue holds (the Message escaped into the envelope, which can
 * be twice the body) exactly as the pipeline applies it. The signature fields are placeholders
 * of SNS's sizes (an RSA-2048 signature, the certificate and unsubscribe URLs), since the dry run
 * verifies no signature (docs/dry-run.md).
 */
final class SnsDelivery {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A topic the dry run's registry accepts like any other; the account is the documentation one. */
    static final String TOPIC_NAME = "dry-run";
    /** Base64 of a 256-byte RSA signature. */
    private static final int SIGNATURE_CHARS = 344;
    /** SNS's Timestamp: ISO-8601 with milliseconds, always three digits. */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private SnsDelivery() {}

    /**
     * @param id the record's messageId and the base of its entry Ids (characters an SQS
     *     messageId cannot hold become {@code _})
     * @param region the EgressRegion attribute the publisher sets; null: none
     */
    static SqsRecord record(String id, String body, String region) {
        String messageId = messageId(id);
        String snsRegion = region == null ? "us-east-1" : region;
        String topicArn = "arn:aws:sns:" + snsRegion + ":123456789012:" + TOPIC_NAME;
        ObjectNode n = JSON.createObjectNode();
        n.put("Type", SnsEnvelope.Type.Notification.name());
        n.put("MessageId", UUID.nameUUIDFromBytes(messageId.getBytes(StandardCharsets.UTF_8)).toString());
        n.put("TopicArn", topicArn);
        n.put("Message", body);
        n.put("Timestamp", TIMESTAMP.format(Instant.now()));
        n.put("SignatureVersion", "1");
        n.put("Signature", "A".repeat(SIGNATURE_CHARS));
        n.put("SigningCertURL", "https://sns." + snsRegion + ".amazonaws.com/SimpleNotificationService-"
                + "0".repeat(32) + ".pem");
        n.put("UnsubscribeURL", "https://sns." + snsRegion + ".amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
                + topicArn + ":" + UUID.randomUUID());
        if (region != null) {
            n.putObject("MessageAttributes").putObject(SnsEnvelope.EGRESS_REGION).put("Type", "String").put("Value", region);
        }
        return new SqsRecord(messageId, n.toString());
    }

    private static String messageId(String id) {
        StringBuilder b = new StringBuilder();
        id.codePoints().limit(EntryId.MAX_MESSAGE_ID_LENGTH).forEach(c -> b.append(c > 0x20 && c < 0x7f && c != '/' ? (char) c : '_'));
        return b.length() == 0 || b.toString().equals(EntryId.UNUSABLE_MESSAGE_ID) ? "body" : b.toString();
    }
}
