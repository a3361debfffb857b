package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.contract.DiscardReason;

/** A packet (Id {@code <sqsMessageId>/<entryIndex>}) or whole message (Id {@code <sqsMessageId>}) not sent. */
public record Discard(@JsonProperty("Id") String id, @JsonProperty("Reason") DiscardReason reason) {
}
