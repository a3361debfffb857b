package com.proxylity.packetsource.cli;

import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registry;
import java.util.List;
import java.util.Optional;

/**
 * The dry run's implicit registry: every topic is an enabled Packet Source without max age on
 * one Listener of the chosen type, so a customer can check a message before any registration.
 */
final class DryRunRegistry implements Registry {
    static final String LISTENER = "dry-run";

    private final Listener listener;
    private final String formatter;

    DryRunRegistry(ListenerType type, AddressFamilies families, String formatter) {
        this.listener = new Listener(LISTENER, type, 0, List.of(), null, null, families);
        this.formatter = formatter;
    }

    @Override
    public Optional<PacketSource> packetSource(String topicArn) {
        return Optional.of(new PacketSource(topicArn, LISTENER, true, formatter, 0, 0));
    }

    @Override
    public Optional<Listener> listener(String name) {
        return LISTENER.equals(name) ? Optional.of(listener) : Optional.empty();
    }
}
