package com.proxylity.packetsource.functions.registry;

import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registry;
import java.util.Optional;

/**
 * Applies the deployment's max age (optional per deployment or per Packet
 * Source; docs/architecture.md#egress-safety) to Packet Sources that set none, so a DLQ replay days later does not spray old
 * packets even for sources that never configured it. A source's own non-zero value wins.
 */
public final class DeploymentDefaultsRegistry implements Registry {
    private final Registry registry;
    private final long defaultMaxAgeSeconds;

    public DeploymentDefaultsRegistry(Registry registry, long defaultMaxAgeSeconds) {
        this.registry = registry;
        this.defaultMaxAgeSeconds = Math.max(0, defaultMaxAgeSeconds);
    }

    @Override
    public Optional<PacketSource> packetSource(String topicArn) {
        return registry.packetSource(topicArn).map(ps -> ps.maxAgeSeconds() > 0 || defaultMaxAgeSeconds == 0 ? ps
                : ps.withMaxAgeSeconds(defaultMaxAgeSeconds));
    }

    @Override
    public Optional<Listener> listener(String name) {
        return registry.listener(name);
    }

    @Override
    public Optional<Customer> customer(String id) {
        return registry.customer(id);
    }
}
