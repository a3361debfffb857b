package com.proxylity.packetsource.functions.resource;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import java.util.Map;

/** A CloudFormation request to the Packet Source provider, as CloudFormation (or a direct invoker) writes it. */
final class CfnTestEvents {
    private CfnTestEvents() {}

    static CloudFormationCustomResourceEvent event(String type, String stackId, String responseUrl, Map<String, Object> props,
                                                   String physicalId, Map<String, Object> old) {
        CloudFormationCustomResourceEvent e = new CloudFormationCustomResourceEvent();
        e.setRequestType(type);
        e.setStackId(stackId);
        e.setRequestId("req-" + type);
        e.setLogicalResourceId("Sensors");
        e.setResourceType("Custom::ProxylityUdpGatewayPacketSource");
        e.setResponseUrl(responseUrl);
        e.setServiceToken("arn:aws:lambda:us-east-1:999999999999:function:ps:live");
        e.setResourceProperties(props);
        e.setPhysicalResourceId(physicalId);
        e.setOldResourceProperties(old);
        return e;
    }
}
