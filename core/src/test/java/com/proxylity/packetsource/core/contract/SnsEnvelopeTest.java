package com.proxylity.packetsource.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SnsEnvelopeTest {
    static final ObjectMapper M = new ObjectMapper();

    static ObjectNode notification() {
        ObjectNode n = M.createObjectNode()
                .put("Type", "Notification")
                .put("MessageId", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324")
                .put("TopicArn", "arn:aws:sns:us-west-2:111122223333:iot-udp")
                .put("Message", "{\"Messages\":[]}")
                .put("Timestamp", "2026-11-25T08:00:00.123Z")
                .put("SignatureVersion", "1")
                .put("Signature", "EXAMPLE")
                .put("SigningCertURL", "https://sns.us-west-2.amazonaws.com/x.pem")
                .put("UnsubscribeURL", "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe");
        ObjectNode attrs = n.putObject("MessageAttributes");
        attrs.putObject("EgressRegion").put("Type", "String").put("Value", "us-west-2");
        attrs.putObject("Count").put("Type", "Number").put("Value", "3");
        return n;
    }

    @Test
    void readsANotification() throws Exception {
        SnsEnvelope e = SnsEnvelope.parse(notification().toString());
        assertEquals(SnsEnvelope.Type.Notification, e.type());
        assertEquals("arn:aws:sns:us-west-2:111122223333:iot-udp", e.topicArn());
        assertEquals("{\"Messages\":[]}", e.message());
        assertEquals(Instant.parse("2026-11-25T08:00:00.123Z"), e.timestamp());
        assertEquals("us-west-2", e.egressRegion());
        assertEquals("3", e.messageAttributes().get("Count"));
        assertNull(e.subscribeUrl());
    }

    @Test
    void keepsTheFieldsItsSignatureCovers() throws Exception {
        ObjectNode n = notification().put("Subject", "s").put("SignatureVersion", "2").put("Signature", "c2ln")
                .put("SigningCertURL", "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-a.pem");
        SnsEnvelope e = SnsEnvelope.parse(n.toString());
        assertEquals("s", e.subject());
        assertEquals("2", e.signatureVersion());
        assertEquals("c2ln", e.signature());
        assertEquals("https://sns.us-west-2.amazonaws.com/SimpleNotificationService-a.pem", e.signingCertUrl());
        assertEquals(false, e.toString().contains("c2ln"), "never printed");
    }

    @Test
    void egressRegionMayBeAbsent() throws Exception {
        ObjectNode n = notification();
        n.remove("MessageAttributes");
        assertNull(SnsEnvelope.parse(n.toString()).egressRegion());
    }

    @Test
    void readsASubscriptionConfirmation() throws Exception {
        ObjectNode n = notification().put("Type", "SubscriptionConfirmation")
                .put("SubscribeURL", "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription")
                .put("Token", "2336412f37");
        SnsEnvelope e = SnsEnvelope.parse(n.toString());
        assertEquals(SnsEnvelope.Type.SubscriptionConfirmation, e.type());
        assertEquals("2336412f37", e.token());
        n.remove("Token");
        assertThrows(MalformedMessageException.class, () -> SnsEnvelope.parse(n.toString()));
    }

    @Test
    void rejectsWhatIsNotAnEnvelope() {
        for (String body : new String[] {
                null, "", "not json", "[]", "\"text\"", "{\"Type\":\"Notification\"}",
                notification().put("Type", "Other").toString(),
                notification().put("Timestamp", "yesterday").toString(),
                notification().put("TopicArn", 7).toString(),
                notification().put("MessageAttributes", "x").toString(),
                withoutField("Message"), withoutField("TopicArn"), withoutField("Timestamp"),
                notification() + " trailing",
                // duplicate keys: which TopicArn would count? neither.
                "{\"Type\":\"Notification\",\"MessageId\":\"1\",\"TopicArn\":\"a\",\"TopicArn\":\"b\","
                        + "\"Message\":\"{}\",\"Timestamp\":\"2026-11-25T08:00:00Z\"}",
        }) {
            assertThrows(MalformedMessageException.class, () -> SnsEnvelope.parse(body), String.valueOf(body));
        }
    }

    static String withoutField(String f) {
        ObjectNode n = notification();
        n.remove(f);
        return n.toString();
    }

    @Test
    void boundsTheBodyBeforeParsing() throws Exception {
        ObjectNode n = notification();
        String pad = "x".repeat(ContractLimits.MAX_BODY_BYTES);
        n.put("Message", pad);
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> SnsEnvelope.parse(n.toString()));
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
        // Multi-byte characters count as their UTF-8 bytes: 100,000 x 3 bytes is over the limit.
        n.put("Message", "\u20ac".repeat(100_000));
        assertThrows(MalformedMessageException.class, () -> SnsEnvelope.parse(n.toString()));
        n.put("Message", "\u20ac".repeat(80_000));
        assertEquals(80_000, SnsEnvelope.parse(n.toString()).message().length());
    }

    @Test
    void errorDetailNeverQuotesTheInput() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> SnsEnvelope.parse("{\"Type\": SECRET-PAYLOAD}"));
        assertTrue(!e.getMessage().contains("SECRET"), e.getMessage());
    }
}
