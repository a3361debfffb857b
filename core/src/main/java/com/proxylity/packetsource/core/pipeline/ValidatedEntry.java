package com.proxylity.packetsource.core.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.ListenerType;

/**
 * An entry that passed the message-level checks and its own schema check, with what the
 * registry said about its source: the input of the Format step.
 *
 * @param formatter the resolved formatter name (entry, else source default, else base64); may
 *     still name no formatter when the source default is bad (Format discards it as BadFormatter)
 * @param entry the entry object exactly as published
 * @param listenerFamilies the address families the Listener reaches; absent (state written
 *     before the field existed) reads as IPv4 only, the sender's default
 */
public record ValidatedEntry(@JsonProperty("Id") String id,
                             @JsonProperty("Listener") String listener,
                             @JsonProperty("ListenerType") ListenerType listenerType,
                             @JsonProperty("Formatter") String formatter,
                             @JsonProperty("Entry") JsonNode entry,
                             @JsonProperty("ListenerFamilies") AddressFamilies listenerFamilies) {
    public ValidatedEntry {
        listenerFamilies = listenerFamilies == null ? AddressFamilies.defaultFamilies() : listenerFamilies;
    }

    /** An entry for an IPv4-only Listener. */
    public ValidatedEntry(String id, String listener, ListenerType listenerType, String formatter, JsonNode entry) {
        this(id, listener, listenerType, formatter, entry, null);
    }

    @Override
    public String toString() {
        return "ValidatedEntry[" + id + " " + listener + " " + listenerType.wireName() + " " + formatter + "]";
    }
}
