package com.proxylity.packetsource.core.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a Listener does with an entry's payload, which decides the checks and the size cap: the
 * one definition of the Listener types and of both their spellings. The wire name ({@code udp},
 * {@code wg}, {@code wg-decap}) is what the pipeline's state, the sender's configuration and the
 * dry run use; configurations written by operators (local mode, the AWS app) and the registry's
 * items spell a type as a protocol ({@code udp}, {@code wg}) plus DecapsulatedDelivery
 * ({@link #of}, {@link #protocol}, {@link #decapsulated}). The files a new type touches are
 * listed in docs/architecture.md ("Listener types").
 *
 * <p>Caps: a plain UDP datagram over IPv4 carries at most 65,507 bytes; a WireGuard Listener
 * seals into an outer datagram that must fit the path MTU, so its inner packet is capped at the
 * WireGuard default interface MTU (1420), and with DecapsulatedDelivery the 28-byte (IPv4) or
 * 48-byte (IPv6) inner IP/UDP header comes out of that budget too (checked where the family is
 * known).
 */
public enum ListenerType {
    /** Plain UDP: the payload is the datagram. */
    UDP("udp", Protocol.UDP, false, 65_507),
    /** WireGuard, Data is a whole inner IP packet. */
    WG("wg", Protocol.WG, false, 1420),
    /** WireGuard with DecapsulatedDelivery: Data is the inner UDP payload; Inner gives addressing. */
    WG_DECAP("wg-decap", Protocol.WG, true, 1420);

    /** How a Listener's datagrams travel, as configurations and registry items spell it. */
    private enum Protocol { UDP, WG }

    private final String wireName;
    private final Protocol protocol;
    private final boolean decapsulated;
    private final int maxInnerPacket;

    ListenerType(String wireName, Protocol protocol, boolean decapsulated, int maxInnerPacket) {
        this.wireName = wireName;
        this.protocol = protocol;
        this.decapsulated = decapsulated;
        this.maxInnerPacket = maxInnerPacket;
    }

    @JsonValue
    public String wireName() { return wireName; }

    /** Largest datagram (UDP) or inner IP packet (WireGuard) this Listener type sends. */
    public int maxInnerPacket() { return maxInnerPacket; }

    public boolean isWireGuard() { return protocol == Protocol.WG; }

    /** The protocol as configurations and registry items spell it: {@code udp} or {@code wg}. */
    public String protocol() { return protocol.name().toLowerCase(Locale.ROOT); }

    /** WireGuard DecapsulatedDelivery: the pipeline builds the inner IP/UDP frame around Data. */
    public boolean decapsulated() { return decapsulated; }

    /**
     * The type a configuration or a registry item describes as a protocol plus
     * DecapsulatedDelivery (a null protocol is {@code udp}).
     *
     * @throws IllegalArgumentException for another protocol, or DecapsulatedDelivery on one that has none
     */
    public static ListenerType of(String protocol, boolean decapsulated) {
        String p = protocol == null ? "udp" : protocol.toLowerCase(Locale.ROOT);
        boolean known = false;
        for (ListenerType t : values()) {
            if (!t.protocol().equals(p)) continue;
            known = true;
            if (t.decapsulated == decapsulated) return t;
        }
        throw new IllegalArgumentException(known ? "decapsulated needs protocol " + protocols(true)
                : "protocol must be " + protocols(false));
    }

    /** Every protocol spelling ({@code decapsulatedOnly}: those that have a decapsulated type), joined by "or". */
    private static String protocols(boolean decapsulatedOnly) {
        return Arrays.stream(values()).filter(t -> !decapsulatedOnly || t.decapsulated).map(ListenerType::protocol)
                .distinct().collect(Collectors.joining(" or "));
    }

    /** Every wire name, for messages: "udp, wg, wg-decap". */
    public static String wireNames() {
        return Arrays.stream(values()).map(ListenerType::wireName).collect(Collectors.joining(", "));
    }

    @JsonCreator
    public static ListenerType fromWireName(String name) {
        for (ListenerType t : values()) {
            if (t.wireName.equalsIgnoreCase(name)) return t;
        }
        throw new IllegalArgumentException("unknown listener type: " + name + " (" + wireNames() + ")");
    }
}
