package com.proxylity.packetsource.core.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a Listener does with an entry's payload, which decides the checks and the size cap.
 *
 * <p>Caps: a plain UDP datagram over IPv4 carries at most 65,507 bytes; a WireGuard Listener
 * seals into an outer datagram that must fit the path MTU, so its inner packet is capped at the
 * WireGuard default interface MTU (1420), and with DecapsulatedDelivery the 28-byte (IPv4) or
 * 48-byte (IPv6) inner IP/UDP header comes out of that budget too (checked where the family is
 * known).
 */
public enum ListenerType {
    /** Plain UDP: the payload is the datagram. */
    UDP("udp", 65_507),
    /** WireGuard, Data is a whole inner IP packet. */
    WG("wg", 1420),
    /** WireGuard with DecapsulatedDelivery: Data is the inner UDP payload; Inner gives addressing. */
    WG_DECAP("wg-decap", 1420);

    private final String wireName;
    private final int maxInnerPacket;

    ListenerType(String wireName, int maxInnerPacket) {
        this.wireName = wireName;
        this.maxInnerPacket = maxInnerPacket;
    }

    @JsonValue
    public String wireName() { return wireName; }

    /** Largest datagram (UDP) or inner IP packet (WireGuard) this Listener type sends. */
    public int maxInnerPacket() { return maxInnerPacket; }

    public boolean isWireGuard() { return this != UDP; }

    @JsonCreator
    public static ListenerType fromWireName(String name) {
        for (ListenerType t : values()) {
            if (t.wireName.equalsIgnoreCase(name)) return t;
        }
        throw new IllegalArgumentException("unknown listener type: " + name + " (udp, wg, wg-decap)");
    }
}
