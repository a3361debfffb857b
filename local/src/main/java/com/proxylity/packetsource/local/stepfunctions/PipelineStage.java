package com.proxylity.packetsource.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One Task state of the state machine, run in this JVM: the state's input in, its result out,
 * exactly as the Lambda handler of that state would see and return them in AWS. Local mode
 * adapts the {@code functions} handler classes to this; it never reimplements a stage.
 */
@FunctionalInterface
public interface PipelineStage {
    JsonNode apply(JsonNode input) throws Exception;
}
