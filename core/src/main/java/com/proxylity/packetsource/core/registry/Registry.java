package com.proxylity.packetsource.core.registry;

import java.util.Optional;

/**
 * Read side of the registry. In memory for local mode and tests, DynamoDB in AWS. A read that
 * fails throws {@link RegistryUnavailableException}, never anything else.
 */
public interface Registry {
    Optional<PacketSource> packetSource(String topicArn);

    Optional<Listener> listener(String name);
}
