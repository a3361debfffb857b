package com.proxylity.packetsource.functions.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.snsauth.SignatureVersion;
import com.proxylity.packetsource.core.testevents.TestSigning;
import com.proxylity.packetsource.functions.state.StateJson;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.UUID;

/**
 * Builds SQS records carrying SNS envelopes, as an EventBridge Pipe hands them to the state
 * machine. {@link #record} signs each envelope with the committed test key
 * ({@link TestSigning}), so the handlers' real signature verification runs in every test that
 * trusts it; {@link #unsigned} keeps a body exactly as given.
 */
public final class SqsEvents {
    private SqsEvents() {}

    public static ObjectNode notification(String topicArn, String region, String messageBody, Instant timestamp) {
        ObjectNode env = StateJson.MAPPER.createObjectNode();
        env.put("Type", "Notification");
        env.put("MessageId", UUID.randomUUID().toString());
        env.put("TopicArn", topicArn);
        env.put("Message", messageBody);
        env.put("Timestamp", timestamp.toString());
        env.put("UnsubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe");
        if (region != null) {
            env.putObject("MessageAttributes").putObject("EgressRegion").put("Type", "String").put("Value", region);
        }
        return env;
    }

    public static ObjectNode subscriptionConfirmation(String topicArn, String token) {
        ObjectNode env = StateJson.MAPPER.createObjectNode();
        env.put("Type", "SubscriptionConfirmation");
        env.put("MessageId", UUID.randomUUID().toString());
        env.put("Token", token);
        env.put("TopicArn", topicArn);
        env.put("Message", "You have chosen to subscribe to the topic " + topicArn);
        env.put("SubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=" + token);
        env.put("Timestamp", Instant.now().toString());
        return env;
    }

    /** One SQS record as the Pipe delivers it (body = the envelope JSON text, signed as SNS signs it). */
    public static ObjectNode record(String messageId, JsonNode envelope) {
        return unsigned(messageId, signed(envelope));
    }

    /** The envelope with test-key signature fields, when it has what SNS signs; else as it is. */
    public static JsonNode signed(JsonNode envelope) {
        if (!(envelope instanceof ObjectNode o) || !o.has("Type")) return envelope;
        try {
            return TestSigning.get().signer(SignatureVersion.V1).sign(o.deepCopy());
        } catch (IllegalArgumentException e) {
            return envelope;
        }
    }

    /** One SQS record whose body is the envelope exactly as given, e.g. a forgery. */
    public static ObjectNode unsigned(String messageId, JsonNode envelope) {
        ObjectNode r = StateJson.MAPPER.createObjectNode();
        r.put("messageId", messageId);
        r.put("receiptHandle", "AQEB" + messageId);
        try {
            r.put("body", StateJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(envelope));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode attrs = r.putObject("attributes");
        attrs.put("ApproximateReceiveCount", "1");
        attrs.put("SentTimestamp", Long.toString(System.currentTimeMillis()));
        r.putObject("messageAttributes");
        r.put("md5OfBody", "00000000000000000000000000000000");
        r.put("eventSource", "aws:sqs");
        r.put("eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:packet-source-delivery");
        r.put("awsRegion", "us-east-1");
        return r;
    }

    public static ArrayNode batch(JsonNode... records) {
        ArrayNode a = StateJson.MAPPER.createArrayNode();
        for (JsonNode r : records) a.add(r);
        return a;
    }

    /** {"Messages":[...]} from entry objects. */
    public static String body(JsonNode... entries) {
        ObjectNode b = StateJson.MAPPER.createObjectNode();
        ArrayNode m = b.putArray("Messages");
        for (JsonNode e : entries) m.add(e);
        return b.toString();
    }

    public static ObjectNode entry(String data, String formatter, String address, int port, String peerKey) {
        ObjectNode e = StateJson.MAPPER.createObjectNode();
        e.put("Data", data);
        if (formatter != null) e.put("Formatter", formatter);
        ObjectNode remote = e.putObject("Remote");
        remote.put("Address", address);
        remote.put("Port", port);
        if (peerKey == null) remote.putNull("PeerKey");
        else remote.put("PeerKey", peerKey);
        e.putNull("Inner");
        return e;
    }
}
