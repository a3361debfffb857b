package com.proxylity.packetsource.core.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.proxylity.packetsource.core.contract.ListenerType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry turned into the exact bytes the sender puts on the wire (udp) or into the tunnel
 * (wg, wg-decap) - docs/architecture.md#inner-frames. JSON carries the payload as base64.
 *
 * @param address the Remote.Address literal as validated (for WireGuard checked, not used:
 *     the sender sends to the session's endpoint, docs/architecture.md#authenticated-endpoint)
 * @param peerKey canonical base64 of the 32-byte key for WireGuard; null for plain UDP
 */
public record ReadyPacket(@JsonProperty("Id") String id,
                          @JsonProperty("Listener") String listener,
                          @JsonProperty("ListenerType") ListenerType listenerType,
                          @JsonProperty("Address") String address,
                          @JsonProperty("Port") int port,
                          @JsonProperty("PeerKey") String peerKey,
                          @JsonProperty("Payload") byte[] payload) implements EntryOutcome {

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadyPacket p && id.equals(p.id) && Objects.equals(listener, p.listener)
                && listenerType == p.listenerType && Objects.equals(address, p.address) && port == p.port
                && Objects.equals(peerKey, p.peerKey) && Arrays.equals(payload, p.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, listener, listenerType, address, port, peerKey) * 31 + Arrays.hashCode(payload);
    }

    /** Never prints payload or key (records' default toString would). */
    @Override
    public String toString() {
        return "ReadyPacket[" + id + " " + listener + " " + listenerType.wireName() + " "
                + (payload == null ? 0 : payload.length) + " bytes]";
    }
}
