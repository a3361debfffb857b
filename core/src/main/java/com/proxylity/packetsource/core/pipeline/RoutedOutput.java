package com.proxylity.packetsource.core.pipeline;

import java.util.List;

/**
 * LookupSessions with owner routing: packets with their task, in entry order, the discards, and
 * the packets held while their flow or session moves to another task.
 */
public record RoutedOutput(List<RoutedPacket> packets, List<Discard> discards, List<HeldPacket> held) {
    public RoutedOutput {
        packets = List.copyOf(packets);
        discards = List.copyOf(discards);
        held = List.copyOf(held);
    }

    public RoutedOutput(List<RoutedPacket> packets, List<Discard> discards) {
        this(packets, discards, List.of());
    }
}
