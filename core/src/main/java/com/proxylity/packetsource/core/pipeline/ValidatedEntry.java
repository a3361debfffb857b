package com.proxylity.packetsource.core.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.contract.ListenerType;

/**
 * An entry that passed the message-level checks and its own schema check, with what the
 * registry said about its source: the input of the Format step.
 *
 * @param formatter the resolved formatter name (entry, else source default, else base64); may
 *     still name no formatter when the source default is bad (Format discards it as BadFormatter)
 * @param entry the entry object exactly as published
 */
public record ValidatedEntry(@JsonProperty("Id") String id,
                             @JsonProperty("Listener") String listener,
                             @JsonProperty("ListenerType") ListenerType listenerType,
                             @JsonProperty("Formatter") String formatter,
                             @JsonProperty("Entry") JsonNode entry) {

    @Override
    public String toString() {
        return "ValidatedEntry[" + id + " " + listener + " " + listenerType.wireName() + " " + formatter + "]";
    }
}
