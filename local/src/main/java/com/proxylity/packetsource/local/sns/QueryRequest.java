package com.proxylity.packetsource.local.sns;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * An AWS Query protocol request (form-encoded {@code Action=...&Version=...}), which is what the
 * SDK v2 {@code SnsClient} (2.40.x) and the AWS CLI send to SNS. Reads Publish and PublishBatch
 * with the SNS limits that decide whether a message is accepted.
 */
public final class QueryRequest {
    /** SNS: a message, attributes included, is at most 256 KiB. */
    public static final int MAX_MESSAGE_BYTES = 262_144;
    /** SNS: at most 10 message attributes per message. */
    public static final int MAX_ATTRIBUTES = 10;
    /** SNS: at most 10 entries per PublishBatch. */
    public static final int MAX_BATCH_ENTRIES = 10;

    private final Map<String, String> params;

    private QueryRequest(Map<String, String> params) {
        this.params = params;
    }

    /** @throws SnsException 400 {@code InvalidParameter} for malformed percent-encoding ({@code %zz}, a lone {@code %}) */
    public static QueryRequest parse(String form) throws SnsException {
        Map<String, String> p = new HashMap<>();
        if (form != null && !form.isEmpty()) {
            for (String pair : form.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                p.put(k, v);
            }
        }
        return new QueryRequest(p);
    }

    /** A client's encoding mistake is the client's fault: 400, which SDKs do not retry (a 500 they would). */
    private static String decode(String s) throws SnsException {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw SnsException.invalidParameter("the request body is not valid form encoding (bad percent-escape)");
        }
    }

    /** A request whose parameters were already decoded (the JSON protocol's mapping). */
    static QueryRequest of(Map<String, String> params) {
        return new QueryRequest(new HashMap<>(params));
    }

    public String get(String name) { return params.get(name); }

    public String action() { return params.getOrDefault("Action", ""); }

    /** TopicArn, or TargetArn (which Publish accepts too). */
    public String topicArn() throws SnsException {
        String arn = params.get("TopicArn");
        if (arn == null) arn = params.get("TargetArn");
        if (arn == null || arn.isEmpty()) throw SnsException.invalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
        return arn;
    }

    public PublishEntry publishEntry() throws SnsException {
        return entry("", null);
    }

    /** A PublishBatch entry SNS refused on its own (reported under Failed, SenderFault true). */
    public record BatchFailure(String id, String code, String message) {}

    /** The entries of a PublishBatch that are published, and those refused one by one. */
    public record Batch(List<PublishEntry> entries, List<BatchFailure> failed) {}

    /**
     * Request-level mistakes (entry count, Ids, the batch's total size) fail the whole request, as
     * on AWS. A mistake in one entry (empty or too long message, a bad attribute) fails only that
     * entry: SNS reports each entry's result on its own, so the others are published.
     */
    public Batch batchEntries() throws SnsException {
        List<PublishEntry> entries = new ArrayList<>();
        List<BatchFailure> failed = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        long total = 0;
        for (int n = 1; params.containsKey("PublishBatchRequestEntries.member." + n + ".Id"); n++) {
            if (n > MAX_BATCH_ENTRIES) {
                throw new SnsException(400, "TooManyEntriesInBatchRequest",
                        "The batch request contains more entries than permissible.");
            }
            String prefix = "PublishBatchRequestEntries.member." + n + ".";
            String id = params.get(prefix + "Id");
            // SNS: up to 80 alphanumerics, hyphens and underscores; anything else fails the request on AWS.
            if (id == null || !id.matches("[A-Za-z0-9_-]{1,80}")) {
                throw new SnsException(400, "InvalidBatchEntryId",
                        "The Id of a batch entry in a batch request doesn't abide by the specification.");
            }
            if (!ids.add(id)) {
                throw new SnsException(400, "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.");
            }
            try {
                PublishEntry e = entry(prefix, id);
                total += size(e);
                entries.add(e);
            } catch (SnsException e) {
                String message = params.get(prefix + "Message");
                if (message != null) total += utf8(message);
                failed.add(new BatchFailure(id, e.code(), e.getMessage()));
            }
        }
        if (entries.isEmpty() && failed.isEmpty()) {
            throw new SnsException(400, "EmptyBatchRequest", "The batch request doesn't contain any entries.");
        }
        // SNS bounds the whole batch as it bounds one message (the sum of all entries, attributes
        // included): ten entries of 100 KiB each are refused on AWS, so they are refused here too.
        if (total > MAX_MESSAGE_BYTES) {
            throw new SnsException(400, "BatchRequestTooLong", "The length of all the batch messages put together is more than the limit.");
        }
        return new Batch(entries, failed);
    }

    private PublishEntry entry(String prefix, String id) throws SnsException {
        String message = params.get(prefix + "Message");
        if (message == null || message.isEmpty()) throw SnsException.invalidParameter("Empty message");
        if ("json".equals(params.get(prefix + "MessageStructure"))) message = sqsVariant(message);
        Map<String, MessageAttribute> attrs = attributes(prefix + "MessageAttributes.entry.");
        String subject = params.get(prefix + "Subject");
        // SNS: UTF-8 text without line breaks or control characters, less than 100 characters long.
        if (subject != null && (subject.codePointCount(0, subject.length()) >= 100
                || subject.codePoints().anyMatch(Character::isISOControl))) {
            throw SnsException.invalidParameter("Subject");
        }
        PublishEntry entry = new PublishEntry(id, message, subject, attrs);
        if (size(entry) > MAX_MESSAGE_BYTES) {
            throw SnsException.invalidParameter("Message too long");
        }
        return entry;
    }

    /** What SNS counts against the size limit: the message and each attribute's name, type and value, in bytes. */
    static long size(PublishEntry e) {
        long size = utf8(e.message());
        for (Map.Entry<String, MessageAttribute> a : e.attributes().entrySet()) {
            size += utf8(a.getKey()) + utf8(a.getValue().dataType()) + utf8(a.getValue().value());
        }
        return size;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * MessageStructure=json: the message is an object of per-protocol variants; a queue
     * subscription receives "sqs" if present, else "default" (which SNS requires).
     */
    private static String sqsVariant(String message) throws SnsException {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(message);
        } catch (IOException e) {
            throw SnsException.invalidParameter("Message Structure - JSON message body failed to parse");
        }
        if (n == null || !n.isObject() || !n.path("default").isTextual()) {
            throw SnsException.invalidParameter("Message Structure - No default entry in JSON message body");
        }
        JsonNode v = n.path("sqs").isTextual() ? n.get("sqs") : n.get("default");
        return v.textValue();
    }

    private Map<String, MessageAttribute> attributes(String prefix) throws SnsException {
        Map<String, MessageAttribute> attrs = new LinkedHashMap<>();
        for (int n = 1; params.containsKey(prefix + n + ".Name"); n++) {
            if (n > MAX_ATTRIBUTES) throw SnsException.invalidParameter("Too many message attributes");
            String name = params.get(prefix + n + ".Name");
            String type = params.get(prefix + n + ".Value.DataType");
            if (name.isEmpty() || type == null || type.isEmpty()) {
                throw SnsException.invalidParameter("The message attribute '" + name + "' must contain non-empty message attribute value.");
            }
            String value;
            if (type.startsWith("Binary")) {
                value = params.get(prefix + n + ".Value.BinaryValue");
                if (value != null) {
                    try {
                        Base64.getDecoder().decode(value);
                    } catch (IllegalArgumentException e) {
                        throw SnsException.invalidParameter("The message attribute '" + name + "' has an invalid binary value.");
                    }
                }
            } else if (type.startsWith("String") || type.startsWith("Number")) {
                value = params.get(prefix + n + ".Value.StringValue");
            } else {
                throw SnsException.invalidParameter("The message attribute '" + name + "' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
            }
            if (value == null || value.isEmpty()) {
                throw SnsException.invalidParameter("The message attribute '" + name + "' must contain non-empty message attribute value.");
            }
            attrs.put(name, new MessageAttribute(type, value));
        }
        return attrs;
    }
}
