package com.proxylity.packetsource.core.egressapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.contract.DiscardReason;
import java.util.Objects;

/** Per-packet answer; {@code reason} is present exactly when the outcome is Discarded. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EgressResult(
        @JsonProperty("Id") String id,
        @JsonProperty("Outcome") EgressOutcome outcome,
        @JsonProperty("Reason") DiscardReason reason) {
    public EgressResult {
        Objects.requireNonNull(outcome, "outcome");
        if ((outcome == EgressOutcome.Discarded) != (reason != null)) {
            throw new IllegalArgumentException("a reason goes with Discarded and only with it");
        }
    }

    public static EgressResult sent(String id) {
        return new EgressResult(id, EgressOutcome.Sent, null);
    }

    public static EgressResult discarded(String id, DiscardReason reason) {
        return new EgressResult(id, EgressOutcome.Discarded, Objects.requireNonNull(reason));
    }
}
