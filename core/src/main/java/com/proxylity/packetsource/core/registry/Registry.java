package com.proxylity.packetsource.core.registry;

import java.util.Optional;

/**
 * Read side of the registry. In memory for local mode and tests, DynamoDB in AWS. A read that
 * fails throws {@link RegistryUnavailableException}, never anything else.
 */
public interface Registry {
    Optional<PacketSource> packetSource(String topicArn);

    Optional<Listener> listener(String name);

    /**
     * The customer, for what is re-checked per message (an outcome topic still in one of its
     * accounts, the customer still enabled). A registry that holds no customers knows none, so
     * whatever needs one is refused.
     */
    default Optional<Customer> customer(String id) {
        return Optional.empty();
    }
}
