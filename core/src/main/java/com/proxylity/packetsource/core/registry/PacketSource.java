package com.proxylity.packetsource.core.registry;

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
 */
public record PacketSource(String topicArn, String listenerName, boolean enabled, String formatter,
                           long maxAgeSeconds, int ratePerSecond) {
}
