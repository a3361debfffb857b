package com.proxylity.packetsource.local.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The AWS JSON 1.0 form of the same two actions ({@code X-Amz-Target: <prefix>.Publish},
 * {@code Content-Type: application/x-amz-json-1.0}), for SDKs that send SNS requests as JSON
 * (the pinned SDK 2.40.2 sends AWS Query; see docs/local-mode.md). The JSON body is mapped onto
 * the Query parameter names so both protocols share one set of checks.
 */
final class JsonProtocol {
    static final String CONTENT_TYPE = "application/x-amz-json-1.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonProtocol() {}

    static boolean applies(String contentType, String target) {
        return target != null && contentType != null && contentType.startsWith("application/x-amz-json");
    }

    static QueryRequest toQuery(String target, byte[] body) throws SnsException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new SnsException(400, "SerializationException", "request body is not JSON");
        }
        if (root == null || !root.isObject()) throw new SnsException(400, "SerializationException", "request body is not a JSON object");
        Map<String, String> p = new HashMap<>();
        p.put("Action", target.substring(target.lastIndexOf('.') + 1));
        copy(root, "", p, "TopicArn", "TargetArn");
        entry(root, "", p);
        int n = 1;
        for (JsonNode e : root.path("PublishBatchRequestEntries")) {
            String prefix = "PublishBatchRequestEntries.member." + n++ + ".";
            copy(e, prefix, p, "Id");
            entry(e, prefix, p);
        }
        return QueryRequest.of(p);
    }

    private static void entry(JsonNode e, String prefix, Map<String, String> p) {
        copy(e, prefix, p, "Message", "Subject", "MessageStructure");
        int n = 1;
        Iterator<Map.Entry<String, JsonNode>> it = e.path("MessageAttributes").properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> a = it.next();
            String ap = prefix + "MessageAttributes.entry." + n++ + ".";
            p.put(ap + "Name", a.getKey());
            copy(a.getValue(), ap + "Value.", p, "DataType", "StringValue", "BinaryValue");
        }
    }

    private static void copy(JsonNode from, String prefix, Map<String, String> to, String... names) {
        for (String name : names) {
            JsonNode v = from.get(name);
            if (v != null && v.isValueNode() && !v.isNull()) to.put(prefix + name, v.asText());
        }
    }

    static String publish(String messageId) {
        return JSON.createObjectNode().put("MessageId", messageId).toString();
    }

    static String publishBatch(List<String> ids, List<String> messageIds, List<QueryRequest.BatchFailure> failed) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode ok = n.putArray("Successful");
        for (int i = 0; i < ids.size(); i++) ok.addObject().put("Id", ids.get(i)).put("MessageId", messageIds.get(i));
        ArrayNode bad = n.putArray("Failed");
        for (QueryRequest.BatchFailure f : failed) {
            bad.addObject().put("Id", f.id()).put("Code", f.code()).put("Message", f.message()).put("SenderFault", true);
        }
        return n.toString();
    }

    /** Error body; the query-compatible code also goes in the x-amzn-query-error header. */
    static String error(SnsException e) {
        return JSON.createObjectNode().put("__type", "com.amazonaws.sns#" + e.code()).put("message", e.getMessage()).toString();
    }
}
