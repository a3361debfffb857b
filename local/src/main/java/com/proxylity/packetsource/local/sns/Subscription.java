package com.proxylity.packetsource.local.sns;

import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * One SNS subscription of a delivery queue to a topic.
 *
 * @param filterPolicy attribute name -> accepted string values (exact match), as
 *                     {@code {"EgressRegion":["us-east-1"]}} with FilterPolicyScope MessageAttributes
 * @param attributes the attributes it was created with, as given (Subscribe compares them)
 * @param token the confirmation token; null once confirmed
 */
public record Subscription(String arn, String topicArn, String queueArn, String region,
                           Map<String, List<String>> filterPolicy, Map<String, String> attributes,
                           boolean confirmed, String token) {
    Subscription confirm() {
        return new Subscription(arn, topicArn, queueArn, region, filterPolicy, attributes, true, null);
    }

    /** Whether a message with these attributes passes the filter policy. */
    boolean accepts(Map<String, MessageAttribute> messageAttributes) {
        for (Map.Entry<String, List<String>> f : filterPolicy.entrySet()) {
            MessageAttribute a = messageAttributes.get(f.getKey());
            if (a == null || !matches(a, f.getValue())) return false;
        }
        return true;
    }

    private static boolean matches(MessageAttribute a, List<String> accepted) {
        if (a.isString()) return accepted.contains(a.value());
        if (!a.envelopeType().equals("String.Array")) return false;
        try {
            for (var v : ARRAYS.readTree(a.value())) if (v.isTextual() && accepted.contains(v.textValue())) return true;
        } catch (IOException notAnArray) {
            return false;
        }
        return false;
    }

    private static final ObjectMapper ARRAYS = new ObjectMapper();
}
