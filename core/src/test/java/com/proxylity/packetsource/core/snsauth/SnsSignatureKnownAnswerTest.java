package com.proxylity.packetsource.core.snsauth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.testevents.TestSigning;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Known answers from real SNS: messages SNS signed in us-west-2 (SignatureVersion 1 with a
 * Subject, 2, and a SubscriptionConfirmation) verify with the real SNS certificate; any change to
 * a signed field, or the wrong digest, does not.
 */
class SnsSignatureKnownAnswerTest {
    static final ObjectMapper M = new ObjectMapper();
    static final String AWS_URL =
            "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem";

    static X509Certificate awsCertificate() throws Exception {
        try (InputStream in = resource("SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem")) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static ObjectNode message(String name) throws IOException {
        try (InputStream in = resource(name)) {
            return (ObjectNode) M.readTree(in);
        }
    }

    private static InputStream resource(String name) {
        return SnsSignatureKnownAnswerTest.class.getResourceAsStream("/snsauth/" + name);
    }

    static EnvelopeVerifier awsVerifier() throws Exception {
        return new SnsSignatureVerifier(PinnedSigningCertificates.of(AWS_URL, awsCertificate()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"notification-sv1-subject.json", "notification-sv2.json", "subscription-confirmation-sv1.json"})
    void realSnsMessagesVerify(String file) throws Exception {
        EnvelopeVerifier v = awsVerifier();
        ObjectNode m = message(file);
        assertDoesNotThrow(() -> v.verify(m));
    }

    @Test
    void theStringToSignIsAwsCanonicalForm() throws Exception {
        String s = new String(StringToSign.of(message("notification-sv1-subject.json")), StandardCharsets.UTF_8);
        assertEquals("Message\nHello! This message has a subject.\nMessageId\n26858270-545e-5848-82a2-e05566af3dcf\n"
                + "Subject\nMy message subject\nTimestamp\n2026-03-06T19:53:21.424Z\n"
                + "TopicArn\narn:aws:sns:us-west-2:131990247566:dongie-standard-topic\nType\nNotification\n", s);
        String c = new String(StringToSign.of(message("subscription-confirmation-sv1.json")), StandardCharsets.UTF_8);
        assertEquals(0, c.indexOf("Message\n"));
        assertEquals(true, c.contains("\nSubscribeURL\nhttps://") && c.contains("\nToken\n2336412f")
                && c.indexOf("SubscribeURL\n") < c.indexOf("Timestamp\n") && c.indexOf("Timestamp\n") < c.indexOf("Token\n")
                && c.endsWith("Type\nSubscriptionConfirmation\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Message", "TopicArn", "Timestamp", "MessageId", "Type", "Subject"})
    void aChangedSignedFieldFails(String field) throws Exception {
        ObjectNode m = message("notification-sv1-subject.json");
        m.put(field, field.equals("Type") ? "UnsubscribeConfirmation" : m.get(field).asText() + "x");
        EnvelopeVerifier v = awsVerifier();
        assertThrows(BadSignatureException.class, () -> v.verify(m));
    }

    @Test
    void aDroppedSubjectOrAnAddedOneFails() throws Exception {
        EnvelopeVerifier v = awsVerifier();
        ObjectNode dropped = message("notification-sv1-subject.json");
        dropped.remove("Subject");
        assertThrows(BadSignatureException.class, () -> v.verify(dropped));
        ObjectNode added = message("notification-sv2.json");
        added.put("Subject", "added");
        assertThrows(BadSignatureException.class, () -> v.verify(added));
    }

    @Test
    void aChangedTokenOrSubscribeUrlOfAConfirmationFails() throws Exception {
        EnvelopeVerifier v = awsVerifier();
        for (String f : new String[] {"Token", "SubscribeURL"}) {
            ObjectNode m = message("subscription-confirmation-sv1.json");
            m.put(f, m.get(f).asText() + "0");
            assertThrows(BadSignatureException.class, () -> v.verify(m), f);
        }
    }

    @Test
    void theVersionMustMatchTheDigest() throws Exception {
        EnvelopeVerifier v = awsVerifier();
        ObjectNode sv2 = message("notification-sv2.json");
        sv2.put("SignatureVersion", "1");
        assertThrows(BadSignatureException.class, () -> v.verify(sv2));
        for (String bad : new String[] {"3", "", "01", "2 "}) {
            ObjectNode m = message("notification-sv2.json");
            m.put("SignatureVersion", bad);
            assertThrows(BadSignatureException.class, () -> v.verify(m), bad);
        }
    }

    @Test
    void anotherKeyOrCertificateUrlFails() throws Exception {
        ObjectNode m = message("notification-sv2.json");
        // The right signature, checked against a key that did not make it.
        EnvelopeVerifier test = new SnsSignatureVerifier(PinnedSigningCertificates.of(AWS_URL,
                TestSigning.get().certificate()));
        assertThrows(BadSignatureException.class, () -> test.verify(m));
        ObjectNode moved = message("notification-sv2.json");
        moved.put("SigningCertURL", AWS_URL.replace("7506", "7507"));
        EnvelopeVerifier v = awsVerifier();
        assertThrows(BadSignatureException.class, () -> v.verify(moved));
    }

    @Test
    void missingOrMalformedSignatureFieldsFail() throws Exception {
        EnvelopeVerifier v = awsVerifier();
        for (String f : new String[] {"Signature", "SignatureVersion", "SigningCertURL", "MessageId", "Timestamp"}) {
            ObjectNode m = message("notification-sv2.json");
            m.remove(f);
            assertThrows(BadSignatureException.class, () -> v.verify(m), f);
        }
        ObjectNode notBase64 = message("notification-sv2.json");
        notBase64.put("Signature", "!!not base64!!");
        assertThrows(BadSignatureException.class, () -> v.verify(notBase64));
        ObjectNode numeric = message("notification-sv2.json");
        numeric.put("SignatureVersion", 2);
        assertThrows(BadSignatureException.class, () -> v.verify(numeric));
        ObjectNode huge = message("notification-sv2.json");
        huge.put("Signature", "A".repeat(100_000));
        assertThrows(BadSignatureException.class, () -> v.verify(huge));
    }

    @Test
    void aRawDeliveredBodyHasNoEnvelopeToVerify() throws Exception {
        EnvelopeVerifier v = awsVerifier();
        assertThrows(BadSignatureException.class,
                () -> v.verify(M.readTree("{\"Messages\":[{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"203.0.113.1\",\"Port\":9}}]}")));
        assertThrows(BadSignatureException.class, () -> v.verify(M.readTree("{\"Type\":\"Something\"}")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2"})
    void whatTheSignerSignsTheVerifierAccepts(String version) throws Exception {
        SignatureVersion sv = SignatureVersion.of(version);
        ObjectNode env = M.createObjectNode().put("Type", "Notification").put("MessageId", "m")
                .put("TopicArn", "arn:aws:sns:us-west-2:111122223333:t").put("Message", "{\"Messages\":[]}\n\u00e9")
                .put("Timestamp", "2026-11-25T08:00:00.000Z");
        TestSigning.get().signer(sv).sign(env);
        assertEquals(version, env.get("SignatureVersion").asText());
        assertDoesNotThrow(() -> TestSigning.get().verifier().verify(env));
        // The same envelope through JSON text and back: escapes do not change the string to sign.
        assertDoesNotThrow(() -> TestSigning.get().verifier().verify(M.readTree(M.writeValueAsString(env))));
    }
}
