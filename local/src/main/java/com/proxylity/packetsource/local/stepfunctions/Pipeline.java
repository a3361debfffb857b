package com.proxylity.packetsource.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;

/** One execution over a batch of Pipe records; the state machine in local mode. */
@FunctionalInterface
public interface Pipeline {
    /** @return the execution output; throws when the execution failed */
    JsonNode run(JsonNode records) throws Exception;
}
