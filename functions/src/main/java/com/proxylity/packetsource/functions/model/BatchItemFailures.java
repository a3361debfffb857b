package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The state machine's output: what the EventBridge Pipe retries (SQS source, partial batch failure). */
public record BatchItemFailures(@JsonProperty("batchItemFailures") List<ItemIdentifier> batchItemFailures) {
}
