package com.proxylity.packetsource.local.resource;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * CloudFormation custom resource requests in their wire form (RequestType, ResponseURL, ...),
 * to and from the events library's class (whose bean names differ from the wire names).
 */
public final class CfnEvents {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private CfnEvents() {}

    public static ObjectNode request(String requestType, String responseUrl, String stackId, String requestId,
                                     String logicalId, String physicalId, JsonNode properties, JsonNode oldProperties) {
        ObjectNode n = JSON.createObjectNode();
        n.put("RequestType", requestType);
        n.put("ServiceToken", "arn:aws:lambda:us-east-1:000000000000:function:" + LocalResourceEndpoint.FUNCTION);
        n.put("ResponseURL", responseUrl);
        n.put("StackId", stackId);
        n.put("RequestId", requestId);
        n.put("ResourceType", "Custom::ProxylityUdpGatewayPacketSource");
        n.put("LogicalResourceId", logicalId);
        if (physicalId != null) n.put("PhysicalResourceId", physicalId);
        n.set("ResourceProperties", properties);
        if (oldProperties != null) n.set("OldResourceProperties", oldProperties);
        return n;
    }

    static CloudFormationCustomResourceEvent event(JsonNode n) {
        CloudFormationCustomResourceEvent e = new CloudFormationCustomResourceEvent();
        e.setRequestType(text(n, "RequestType"));
        e.setServiceToken(text(n, "ServiceToken"));
        e.setResponseUrl(text(n, "ResponseURL"));
        e.setStackId(text(n, "StackId"));
        e.setRequestId(text(n, "RequestId"));
        e.setResourceType(text(n, "ResourceType"));
        e.setLogicalResourceId(text(n, "LogicalResourceId"));
        e.setPhysicalResourceId(text(n, "PhysicalResourceId"));
        e.setResourceProperties(map(n.get("ResourceProperties")));
        e.setOldResourceProperties(map(n.get("OldResourceProperties")));
        return e;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Map<String, Object> map(JsonNode n) {
        return n == null || !n.isObject() ? null : JSON.convertValue(n, MAP);
    }
}
