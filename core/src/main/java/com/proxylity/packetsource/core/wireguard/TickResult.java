package com.proxylity.packetsource.core.wireguard;

import java.util.List;

/** What a timer tick produced: keepalives to send and sessions that expired. */
public record TickResult(List<OutboundDatagram> toSend, List<SessionEvent> events) {
    public TickResult {
        toSend = List.copyOf(toSend);
        events = List.copyOf(events);
    }
}
