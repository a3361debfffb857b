package com.proxylity.packetsource.functions.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every property error has a reason naming the property and what to write instead. */
class ResourcePropertiesTest {
    static final List<String> SERVED = List.of("us-east-1", "eu-west-1");
    static final String KEY = "acme.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_-09";
    static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:sensor-out";
    static final String ROLE = "arn:aws:iam::111122223333:role/proxylity-subscriber";

    /** Properties as CloudFormation sends them: every scalar a string. */
    static Map<String, Object> valid() {
        Map<String, Object> p = new HashMap<>();
        p.put("ServiceToken", "arn:aws:lambda:us-east-1:999999999999:function:ps:live");
        p.put("ApiKey", KEY);
        p.put("ListenerName", "edge-udp");
        p.put("Enabled", "true");
        p.put("Description", "sensors");
        p.put("SnsTopicSource", new HashMap<>(Map.of("Role", ROLE, "TopicArn", TOPIC)));
        p.put("Formatter", "coap");
        return p;
    }

    @SuppressWarnings("unchecked")
    static Consumer<Map<String, Object>> source(String key, Object value) {
        return p -> {
            Map<String, Object> s = (Map<String, Object>) p.get("SnsTopicSource");
            if (value == null) s.remove(key); else s.put(key, value);
        };
    }

    static Consumer<Map<String, Object>> set(String key, Object value) {
        return p -> {
            if (value == null) p.remove(key); else p.put(key, value);
        };
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("missing ApiKey", set("ApiKey", null), "ApiKey is required"),
                Arguments.of("malformed ApiKey", set("ApiKey", "not-a-key"), "ApiKey is invalid"),
                Arguments.of("short ApiKey secret", set("ApiKey", "acme.short"), "ApiKey is invalid"),
                Arguments.of("missing ListenerName", set("ListenerName", null), "ListenerName is required"),
                Arguments.of("malformed ListenerName", set("ListenerName", "edge udp!"), "ListenerName 'edge udp!' is malformed"),
                Arguments.of("Enabled not boolean", set("Enabled", "yes"), "Enabled must be true or false"),
                Arguments.of("Description too long", set("Description", "d".repeat(257)), "Description is longer than 256"),
                Arguments.of("missing SnsTopicSource", set("SnsTopicSource", null), "SnsTopicSource is required"),
                Arguments.of("SnsTopicSource not an object", set("SnsTopicSource", TOPIC), "SnsTopicSource is required"),
                Arguments.of("missing TopicArn", source("TopicArn", null), "SnsTopicSource.TopicArn is required"),
                Arguments.of("malformed TopicArn", source("TopicArn", "arn:aws:sqs:us-east-1:111122223333:q"), "is not an SNS topic ARN"),
                Arguments.of("FIFO topic", source("TopicArn", TOPIC + ".fifo"), "is a FIFO topic"),
                Arguments.of("region not served", source("TopicArn", "arn:aws:sns:ap-south-1:111122223333:t"),
                        "is in ap-south-1, a region Proxylity does not serve; served regions: us-east-1, eu-west-1"),
                Arguments.of("missing Role", source("Role", null), "SnsTopicSource.Role is required"),
                Arguments.of("malformed Role", source("Role", "arn:aws:iam::111122223333:user/bob"), "is not an IAM role ARN"),
                Arguments.of("unknown SnsTopicSource key", source("Queue", "x"), "Unknown property SnsTopicSource.'Queue'"),
                Arguments.of("unsupported Formatter", set("Formatter", "protobuf"), "Formatter 'protobuf' is not supported; use one of base64, hex, utf8, ascii, coap"),
                Arguments.of("unknown property", set("Listener", "x"), "Unknown property 'Listener'"),
                Arguments.of("non-string ApiKey", set("ApiKey", List.of("a")), "ApiKey must be a string"),
                Arguments.of("malformed OutcomeTopicArn", set("OutcomeTopicArn", "arn:aws:sqs:us-east-1:111122223333:q"),
                        "OutcomeTopicArn 'arn:aws:sqs:us-east-1:111122223333:q' is not an SNS topic ARN"),
                Arguments.of("FIFO OutcomeTopicArn", set("OutcomeTopicArn", TOPIC + "-outcomes.fifo"), "is a FIFO topic; outcome summaries need a standard topic"),
                Arguments.of("OutcomeTopicArn region not served", set("OutcomeTopicArn", "arn:aws:sns:ap-south-1:111122223333:o"),
                        "OutcomeTopicArn is in ap-south-1, a region Proxylity does not serve"),
                Arguments.of("non-string OutcomeTopicArn", set("OutcomeTopicArn", Map.of("Ref", "x")), "OutcomeTopicArn must be a string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void refusedWithAnActionableReason(String name, Consumer<Map<String, Object>> change, String reason) {
        Map<String, Object> p = valid();
        change.accept(p);
        ResourceFailure f = assertThrows(ResourceFailure.class, () -> ResourceProperties.parse(p, SERVED));
        assertTrue(f.reason().contains(reason), () -> "reason: " + f.reason());
        assertFalse(f.reason().contains(KEY.substring(5)), "the ApiKey secret is never echoed");
    }

    @Test
    void validPropertiesAsCloudFormationSendsThem() throws ResourceFailure {
        ResourceProperties p = ResourceProperties.parse(valid(), SERVED);
        assertEquals("edge-udp", p.listenerName());
        assertTrue(p.enabled());
        assertEquals("coap", p.formatter());
        assertEquals("us-east-1", p.topicRegion());
        Map<String, Object> off = valid();
        off.put("Enabled", "False");
        off.remove("Formatter");
        off.remove("Description");
        ResourceProperties q = ResourceProperties.parse(off, SERVED);
        assertFalse(q.enabled());
        assertEquals(null, q.formatter());
        assertFalse(q.toString().contains(KEY), "toString never prints the ApiKey");
        assertEquals(null, q.outcomeTopicArn(), "optional");
        Map<String, Object> withOutcomes = valid();
        withOutcomes.put("OutcomeTopicArn", TOPIC + "-outcomes");
        assertEquals(TOPIC + "-outcomes", ResourceProperties.parse(withOutcomes, SERVED).outcomeTopicArn());
    }

    @Test
    void missingPropertiesAltogether() {
        assertThrows(ResourceFailure.class, () -> ResourceProperties.parse(null, SERVED));
    }

    @Test
    void echoedValuesAreClipped() {
        Map<String, Object> p = valid();
        p.put("ListenerName", "x".repeat(10_000));
        ResourceFailure f = assertThrows(ResourceFailure.class, () -> ResourceProperties.parse(p, SERVED));
        assertTrue(f.reason().length() < 300, f.reason());
    }
}
