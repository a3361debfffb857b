package com.proxylity.packetsource.core.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Output of the Validate state: entries for Format, discards, and control messages. */
public record ValidateOutput(@JsonProperty("Entries") List<ValidatedEntry> entries,
                             @JsonProperty("Discards") List<Discard> discards,
                             @JsonProperty("Controls") List<Control> controls) {
    public ValidateOutput {
        entries = entries == null ? List.of() : List.copyOf(entries);
        discards = discards == null ? List.of() : List.copyOf(discards);
        controls = controls == null ? List.of() : List.copyOf(controls);
    }
}
