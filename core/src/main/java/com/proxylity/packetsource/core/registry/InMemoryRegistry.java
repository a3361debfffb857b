package com.proxylity.packetsource.core.registry;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Registry for local mode, the dry run and tests. */
public final class InMemoryRegistry implements Registry {
    private final Map<String, PacketSource> sources = new ConcurrentHashMap<>();
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();

    public InMemoryRegistry() {}

    public InMemoryRegistry(Collection<Listener> listeners, Collection<PacketSource> sources) {
        listeners.forEach(this::put);
        sources.forEach(this::put);
    }

    public InMemoryRegistry put(Listener listener) {
        listeners.put(listener.name(), listener);
        return this;
    }

    public InMemoryRegistry put(PacketSource source) {
        sources.put(source.topicArn(), source);
        return this;
    }

    @Override
    public Optional<PacketSource> packetSource(String topicArn) {
        return topicArn == null ? Optional.empty() : Optional.ofNullable(sources.get(topicArn));
    }

    @Override
    public Optional<Listener> listener(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(listeners.get(name));
    }
}
