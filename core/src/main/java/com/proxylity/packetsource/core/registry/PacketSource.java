package com.proxylity.packetsource.core.registry;

import java.util.Objects;

/**
 * A registered Packet Source (docs/architecture.md#registry): the customer topic whose messages we accept,
 * the Listener they leave from and the default formatter. Created by the
 * {@code Custom::ProxylityUdpGatewayPacketSource} resource.
 *
 * @param formatter default formatter, or null for base64
 * @param maxAgeSeconds discard entries older than this (measured from the SNS Timestamp) as
 *                      {@code Stale}; 0 disables the check
 * @param ratePerSecond packets per second allowed for this source ({@code RateLimited} above);
 *                      0 disables the limit
 * @param customerId the customer that owns the source, or null for one the operator registered
 *                   by hand; it may bind only a Listener with the same owner
 *                   (docs/architecture.md#tenancy)
 * @param outcomeTopicArn the customer's topic that receives this source's outcome summaries, or
 *                   null for none (docs/packet-sources.md, "Your own outcomes")
 */
public record PacketSource(String topicArn, String listenerName, boolean enabled, String formatter,
                           long maxAgeSeconds, int ratePerSecond, String customerId, String outcomeTopicArn) {

    /** A source without an outcome topic. */
    public PacketSource(String topicArn, String listenerName, boolean enabled, String formatter,
                        long maxAgeSeconds, int ratePerSecond, String customerId) {
        this(topicArn, listenerName, enabled, formatter, maxAgeSeconds, ratePerSecond, customerId, null);
    }

    /** A source the operator registered, owned by no customer. */
    public PacketSource(String topicArn, String listenerName, boolean enabled, String formatter,
                        long maxAgeSeconds, int ratePerSecond) {
        this(topicArn, listenerName, enabled, formatter, maxAgeSeconds, ratePerSecond, null);
    }

    /** The same source with another max age; every other field, the owner included, kept. */
    public PacketSource withMaxAgeSeconds(long seconds) {
        return new PacketSource(topicArn, listenerName, enabled, formatter, seconds, ratePerSecond, customerId,
                outcomeTopicArn);
    }

    /** The same source with another outcome topic (null: none); every other field kept. */
    public PacketSource withOutcomeTopicArn(String topic) {
        return new PacketSource(topicArn, listenerName, enabled, formatter, maxAgeSeconds, ratePerSecond, customerId, topic);
    }

    /**
     * Whether this source may send from {@code listener}: only a Listener its own customer owns,
     * and an operator's source (no customer) only an unassigned Listener.
     */
    public boolean mayUse(Listener listener) {
        return listener != null && listener.name().equals(listenerName)
                && Objects.equals(customerId, listener.owner());
    }
}
