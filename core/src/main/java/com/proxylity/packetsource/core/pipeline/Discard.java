package com.proxylity.packetsource.core.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.contract.DiscardReason;

/**
 * An entry (Id "&lt;sqsMessageId&gt;/&lt;index&gt;") or a whole message (Id "&lt;sqsMessageId&gt;",
 * for message-level reasons) that is not sent. {@code detail} names fields and rules only: never
 * payload bytes, keys or addresses' contents beyond what the customer can see in their own input.
 */
public record Discard(@JsonProperty("Id") String id, @JsonProperty("Reason") DiscardReason reason,
                      @JsonProperty("Detail") String detail) implements EntryOutcome {
}
