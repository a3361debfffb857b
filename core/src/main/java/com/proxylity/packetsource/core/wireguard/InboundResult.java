package com.proxylity.packetsource.core.wireguard;

import java.util.List;

/**
 * What one received datagram produced.
 *
 * @param toSend datagrams to write back from the Listener socket (in order)
 * @param delivered inner packets the peer sent (a packet source has no use for them but may count them)
 * @param events session changes to publish (established, endpoint changed)
 * @param peer the authenticated peer, null if the datagram was not authenticated
 * @param drop why the datagram was ignored, null if it was accepted
 */
public record InboundResult(List<OutboundDatagram> toSend, List<DeliveredPacket> delivered,
                            List<SessionEvent> events, PeerKey peer, InboundDrop drop) {
    public InboundResult {
        toSend = List.copyOf(toSend);
        delivered = List.copyOf(delivered);
        events = List.copyOf(events);
    }

    static InboundResult dropped(InboundDrop why) {
        return new InboundResult(List.of(), List.of(), List.of(), null, why);
    }

    static InboundResult dropped(InboundDrop why, OutboundDatagram reply) {
        return new InboundResult(List.of(reply), List.of(), List.of(), null, why);
    }

    public boolean accepted() { return drop == null; }
}
