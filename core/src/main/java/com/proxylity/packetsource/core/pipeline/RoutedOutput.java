package com.proxylity.packetsource.core.pipeline;

import java.util.List;

/** LookupSessions with owner routing: packets with their task, in entry order, and the discards. */
public record RoutedOutput(List<RoutedPacket> packets, List<Discard> discards) {
    public RoutedOutput {
        packets = List.copyOf(packets);
        discards = List.copyOf(discards);
    }
}
