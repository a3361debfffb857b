package com.proxylity.packetsource.core.registry;

import java.util.Optional;

/**
 * What the {@code Custom::ProxylityUdpGatewayPacketSource} handler reads and writes: customers,
 * Listeners and registrations. In memory for local mode and tests, DynamoDB in AWS.
 */
public interface RegistrationStore {
    Optional<Customer> customer(String id);

    Optional<Listener> listener(String name);

    Optional<Registration> registration(String topicArn);

    /** The topic's Packet Source, also one registered by hand (which no resource owns). */
    Optional<PacketSource> packetSource(String topicArn);

    /**
     * Writes the registration unless its topic is registered by another resource.
     *
     * @param takeOverFrom a resource id whose registration of the topic may be replaced too (the
     *                     resource this one replaces in a CloudFormation replacement), or null
     * @return false (and nothing written) if another resource id, or another customer, owns the
     *     topic, or the operator registered it by hand
     */
    boolean put(Registration registration, String takeOverFrom);

    /**
     * Removes the topic's registration if {@code resourceId} of {@code customerId} owns it;
     * absent or owned by another resource or customer: nothing.
     */
    void delete(String topicArn, String resourceId, String customerId);
}
