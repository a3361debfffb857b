package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Output of one Egress call. {@code Failed} is what the state machine keeps (records to retry;
 * empty unless the sender refused part of the batch as retryable); Sent and Discards are for the
 * execution history and tests, dropped by the state's ResultSelector to keep payloads small.
 */
public record EgressResult(@JsonProperty("Failed") List<ItemIdentifier> failed,
                           @JsonProperty("Sent") List<String> sent,
                           @JsonProperty("Discards") List<Discard> discards) {
}
