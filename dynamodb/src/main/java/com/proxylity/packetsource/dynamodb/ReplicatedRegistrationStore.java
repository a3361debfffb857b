package com.proxylity.packetsource.dynamodb;

import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registration;
import com.proxylity.packetsource.core.registry.RegistrationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The provider's registry when PacketSources is a global table (docs/deployment.md, "One
 * registry for all regions"). Every write goes to the home region's replica, so the conditional
 * writes that keep customers and resources apart are decided in one place (global tables settle
 * concurrent writes in different regions by last writer wins, never by the condition). A write
 * returns only once every other region's replica shows it: the subscriptions made next are
 * confirmed by each region's own Validate, which confirms only a topic its replica knows, and a
 * SubscriptionConfirmation it refused is never sent again.
 */
public final class ReplicatedRegistrationStore implements RegistrationStore {
    /** Far above global tables' usual replication delay (around a second), below the provider's timeout. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    /** A replica did not show a write within the wait: the request fails and is undone. */
    public static final class ReplicationLagException extends RuntimeException {
        public ReplicationLagException(String region, Duration waited) {
            super("the registry's replica in " + region + " did not show the write within " + waited.toSeconds() + " s");
        }
    }

    /** Sleeps between polls; tests pass one that lets replication proceed. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final RegistrationStore home;
    private final Map<String, RegistrationStore> replicas;
    private final Duration wait;
    private final Clock clock;
    private final Sleeper sleeper;

    /**
     * @param home the store over the home region's replica (and this region's Listeners)
     * @param replicas by region, a store reading each other region's replica
     */
    public ReplicatedRegistrationStore(RegistrationStore home, Map<String, RegistrationStore> replicas, Duration wait,
                                       Clock clock, Sleeper sleeper) {
        this.home = Objects.requireNonNull(home, "home");
        this.replicas = Map.copyOf(replicas);
        this.wait = Objects.requireNonNull(wait, "wait");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    @Override
    public Optional<Customer> customer(String id) {
        return home.customer(id);
    }

    @Override
    public Optional<Listener> listener(String name) {
        return home.listener(name);
    }

    @Override
    public Optional<Registration> registration(String topicArn) {
        return home.registration(topicArn);
    }

    @Override
    public Optional<PacketSource> packetSource(String topicArn) {
        return home.packetSource(topicArn);
    }

    @Override
    public boolean put(Registration registration, String takeOverFrom) {
        if (!home.put(registration, takeOverFrom)) return false;
        awaitReplicas(registration.topicArn(), seen -> seen.equals(Optional.of(registration)));
        return true;
    }

    @Override
    public void delete(String topicArn, String resourceId, String customerId) {
        home.delete(topicArn, resourceId, customerId);
        awaitReplicas(topicArn, seen -> seen.filter(r -> r.resourceId().equals(resourceId)
                && Objects.equals(r.customerId(), customerId)).isEmpty());
    }

    private void awaitReplicas(String topicArn, Predicate<Optional<Registration>> shows) {
        Instant deadline = clock.instant().plus(wait);
        for (Map.Entry<String, RegistrationStore> replica : List.copyOf(replicas.entrySet())) {
            Duration pause = Duration.ofMillis(100);
            while (!shows.test(replica.getValue().registration(topicArn))) {
                if (!clock.instant().isBefore(deadline)) throw new ReplicationLagException(replica.getKey(), wait);
                try {
                    sleeper.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ReplicationLagException(replica.getKey(), wait);
                }
                pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : pause.multipliedBy(2);
            }
        }
    }
}
