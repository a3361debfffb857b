package com.proxylity.packetsource.core.egresspolicy;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Which remote addresses packets may go to (docs/architecture.md#egress-safety). Denies private, shared,
 * loopback, link-local (incl. cloud metadata), multicast, broadcast, unspecified, reserved and
 * ULA ranges, also when written as IPv4-mapped IPv6, unless explicitly allowed.
 */
public interface EgressPolicy {
    boolean permits(InetAddress address);

    /** Empty when permitted; otherwise the denied range and why it is denied, for the discard's Detail. */
    default Optional<String> whyDenied(InetAddress address) {
        return permits(address) ? Optional.empty() : Optional.of("a denied range");
    }
}
