package com.proxylity.packetsource.functions.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A packet ready for the sender, as it travels between states: the egress API fields plus the
 * Listener it leaves from and the SNS publish time (for Stale and the publish-to-egress latency).
 *
 * @param payload base64 of the exact bytes the sender puts on the wire or into the tunnel
 * @param publishedAt SNS Timestamp of the message, epoch millis
 */
public record Packet(@JsonProperty("Id") String id,
                     @JsonProperty("Listener") String listener,
                     @JsonProperty("Address") String address,
                     @JsonProperty("Port") int port,
                     @JsonProperty("PeerKey") String peerKey,
                     @JsonProperty("Payload") String payload,
                     @JsonProperty("PublishedAt") long publishedAt) {

    /** The SQS message id this packet came from (the Id is {@code <sqsMessageId>/<entryIndex>}). */
    public String messageId() {
        int slash = id.lastIndexOf('/');
        return slash < 0 ? id : id.substring(0, slash);
    }
}
