package com.proxylity.packetsource.core.registry;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Comparator;
import java.util.List;

/** Registry for local mode, the dry run and tests. */
public final class InMemoryRegistry implements Registry, RegistrationStore, CustomerDirectory {
    private final Map<String, PacketSource> sources = new ConcurrentHashMap<>();
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final Map<String, Customer> customers = new ConcurrentHashMap<>();
    private final Map<String, Registration> registrations = new ConcurrentHashMap<>();

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

    public InMemoryRegistry put(Customer customer) {
        customers.put(customer.id(), customer);
        return this;
    }

    @Override
    public Optional<Customer> customer(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(customers.get(id));
    }

    @Override
    public Optional<Customer> get(String id) {
        return customer(id);
    }

    @Override
    public List<Customer> list() {
        return customers.values().stream().sorted(Comparator.comparing(Customer::id)).toList();
    }

    @Override
    public boolean create(Customer customer) {
        return customers.putIfAbsent(customer.id(), customer) == null;
    }

    @Override
    public synchronized boolean replace(Customer expected, Customer updated) {
        if (!expected.id().equals(updated.id())) throw new IllegalArgumentException("replace keeps the id");
        Customer now = customers.get(expected.id());
        if (now == null || !CustomerAdmin.sameState(now, expected)) return false;
        customers.put(updated.id(), updated);
        return true;
    }

    @Override
    public Optional<Registration> registration(String topicArn) {
        return topicArn == null ? Optional.empty() : Optional.ofNullable(registrations.get(topicArn));
    }

    @Override
    public synchronized boolean put(Registration r, String takeOverFrom) {
        Registration old = registrations.get(r.topicArn());
        if (old != null && !old.resourceId().equals(r.resourceId()) && !old.resourceId().equals(takeOverFrom)) return false;
        if (old != null && !old.customerId().equals(r.customerId())) return false;
        if (old == null && sources.containsKey(r.topicArn())) return false; // configured, not owned by a resource
        registrations.put(r.topicArn(), r);
        sources.put(r.topicArn(), r.source());
        return true;
    }

    @Override
    public synchronized void delete(String topicArn, String resourceId, String customerId) {
        Registration old = registration(topicArn).orElse(null);
        if (old == null || !old.resourceId().equals(resourceId) || !old.customerId().equals(customerId)) return;
        registrations.remove(topicArn);
        sources.remove(topicArn);
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
