package com.proxylity.packetsource.functions.resource;

import java.util.Map;

/**
 * The parts of a CloudFormation custom resource request the resource uses.
 *
 * @param physicalId null on Create
 * @param oldProperties only on Update
 */
public record ResourceRequest(String stackId, String logicalId, String physicalId,
                              Map<String, Object> properties, Map<String, Object> oldProperties) {}
