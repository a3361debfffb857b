package com.proxylity.packetsource.core.egressapi;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A run of consecutive packets of one egress request that came from one SQS record, with the
 * identity the sender remembers it by (docs/architecture.md#egress-api, "Batch identity").
 *
 * @param id {@link BatchIdentity#SEGMENT_ID_CHARS} characters of base64url
 * @param packets how many consecutive packets of the request it covers (at least one)
 */
public record EgressSegment(@JsonProperty("Id") String id, @JsonProperty("Packets") int packets) {
}
