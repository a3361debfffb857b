package com.proxylity.packetsource.core.egressapi;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One packet of an egress batch (docs/architecture.md#egress-api). {@code payload} is already the final
 * wire bytes (docs/architecture.md#inner-frames): the UDP payload for {@code udp}, the inner IP packet for {@code wg}
 * and {@code wg-decap}. JSON carries it as standard base64.
 *
 * @param id "&lt;sqsMessageId&gt;/&lt;entryIndex&gt;", echoed in the result
 * @param address IPv4 or IPv6 literal of the remote (for WireGuard only checked, not used:
 *     the sender sends to the session's authenticated endpoint, docs/architecture.md#authenticated-endpoint)
 * @param peerKey base64 X25519 public key of the WireGuard peer; null for plain UDP
 */
public record EgressPacket(
        @JsonProperty("Id") String id,
        @JsonProperty("Address") String address,
        @JsonProperty("Port") int port,
        @JsonProperty("PeerKey") String peerKey,
        @JsonProperty("Payload") byte[] payload) {
}
