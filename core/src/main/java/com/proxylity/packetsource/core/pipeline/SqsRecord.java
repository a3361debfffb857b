package com.proxylity.packetsource.core.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The two fields of an SQS record (as a Pipe or Lambda delivers it) the pipeline uses. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SqsRecord(@JsonProperty("messageId") String messageId, @JsonProperty("body") String body) {
    /** Never prints the body: it carries customer payloads. */
    @Override
    public String toString() {
        return "SqsRecord[" + messageId + ", " + (body == null ? "no body" : body.length() + " chars") + "]";
    }
}
