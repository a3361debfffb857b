package com.proxylity.packetsource.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * Which records of a batch failed, read from the execution output as a Pipe reads it:
 * {@code batchItemFailures[].itemIdentifier}. A failed execution fails the whole batch.
 */
public record BatchOutcome(Set<String> failedMessageIds, JsonNode output) {
    public static BatchOutcome fromOutput(JsonNode output) {
        Set<String> failed = new HashSet<>();
        for (JsonNode f : output.path("batchItemFailures")) failed.add(f.path("itemIdentifier").asText());
        return new BatchOutcome(failed, output);
    }
}
