package com.proxylity.packetsource.core.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Output of the Validate step: entries for the Format step, discards, and control messages, and per SQS
 * messageId whose body passed the schema what the later steps need of its envelope and source.
 * {@code owners} names, per SQS messageId, the source of every message whose source was
 * authenticated and may use its Listener, also when the whole message was discarded after that
 * ({@code SourceDisabled}, {@code Stale}, a body against the schema): whom its outcomes belong to.
 */
public record ValidateOutput(@JsonProperty("Entries") List<ValidatedEntry> entries,
                             @JsonProperty("Discards") List<Discard> discards,
                             @JsonProperty("Controls") List<Control> controls,
                             @JsonProperty("Messages") Map<String, ValidatedMessage> messages,
                             @JsonProperty("Owners") Map<String, ValidatedMessage> owners) {
    public ValidateOutput {
        entries = entries == null ? List.of() : List.copyOf(entries);
        discards = discards == null ? List.of() : List.copyOf(discards);
        controls = controls == null ? List.of() : List.copyOf(controls);
        messages = messages == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(messages));
        owners = owners == null ? messages : Collections.unmodifiableMap(new LinkedHashMap<>(owners));
    }

    public ValidateOutput(List<ValidatedEntry> entries, List<Discard> discards, List<Control> controls,
                          Map<String, ValidatedMessage> messages) {
        this(entries, discards, controls, messages, null);
    }

    public ValidateOutput(List<ValidatedEntry> entries, List<Discard> discards, List<Control> controls) {
        this(entries, discards, controls, null, null);
    }
}
