package com.proxylity.packetsource.functions.resource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the body sent to the ResponseURL within what CloudFormation accepts (4,096 bytes; a
 * larger one fails the stack with a response error that names nothing). The body is measured as
 * the JSON it becomes, with the request's own StackId, RequestId and LogicalResourceId. What gives
 * way, in order: the reason beyond {@value #MAX_REASON} characters, then subscription ARNs from
 * the end (with {@code SubscriptionArnsTruncated = true}; the count stays exact), then the reason
 * down to what is left.
 */
public final class ResponseLimits {
    public static final int MAX_BODY_BYTES = 4096;
    static final int MAX_REASON = 1024;
    /** Slack for serializers that escape differently from ours. */
    static final int MARGIN = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResponseLimits() {}

    /** The fields of the request that are echoed in the response. */
    public record Echo(String stackId, String requestId, String logicalId) {}

    public static PacketSourceLifecycle.Outcome fit(Echo echo, PacketSourceLifecycle.Outcome o) {
        String reason = clip(o.reason(), MAX_REASON);
        Map<String, String> data = new LinkedHashMap<>(o.data());
        String arns = data.get("SubscriptionArns");
        if (arns != null) data.put("SubscriptionCount", Integer.toString(arns.isEmpty() ? 0 : arns.split(",").length));
        if (size(echo, o, reason, data) <= budget()) return new PacketSourceLifecycle.Outcome(o.success(), o.physicalId(), reason, data);
        if (arns != null && !arns.isEmpty()) {
            List<String> list = new ArrayList<>(Arrays.asList(arns.split(",")));
            data.put("SubscriptionArnsTruncated", "true");
            while (!list.isEmpty() && size(echo, o, reason, data) > budget()) {
                list.remove(list.size() - 1);
                data.put("SubscriptionArns", String.join(",", list));
            }
        }
        int over = size(echo, o, reason, data) - budget();
        if (over > 0 && reason != null) reason = clip(reason, Math.max(0, reason.length() - over - 3));
        if (size(echo, o, reason, data) > budget()) data.clear();
        return new PacketSourceLifecycle.Outcome(o.success(), o.physicalId(), reason, data);
    }

    private static int budget() {
        return MAX_BODY_BYTES - MARGIN;
    }

    /** The response body's size in bytes, shaped as the Powertools client sends it. */
    public static int size(Echo echo, PacketSourceLifecycle.Outcome o, String reason, Map<String, String> data) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Status", o.success() ? "SUCCESS" : "FAILED");
        n.put("Reason", reason);
        n.put("PhysicalResourceId", o.physicalId());
        n.put("StackId", echo.stackId());
        n.put("RequestId", echo.requestId());
        n.put("LogicalResourceId", echo.logicalId());
        n.put("NoEcho", false);
        ObjectNode d = n.putObject("Data");
        data.forEach(d::put);
        return n.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    static String clip(String s, int max) {
        if (s == null || s.length() <= max) return s;
        int end = max;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) end--;
        return s.substring(0, end) + "...";
    }
}
