package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One entry of the Pipe's partial batch failure list: the SQS messageId to retry. */
public record ItemIdentifier(@JsonProperty("itemIdentifier") String itemIdentifier) {
}
