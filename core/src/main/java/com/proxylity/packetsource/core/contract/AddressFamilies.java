package com.proxylity.packetsource.core.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Which remote address families a Listener's socket can send to. An AF_INET socket given an
 * IPv6 destination does not fail everywhere: Netty's native transport sends it to the IPv4
 * address made of the last 4 bytes, so a public-looking IPv6 literal would reach a private
 * IPv4 host. The family is therefore decided explicitly, never left to a library.
 *
 * <p>An IPv4-mapped literal ({@code ::ffff:a.b.c.d}) means the IPv4 address (see
 * {@code IpLiteral}), so it is IPv4 here.
 */
public enum AddressFamilies {
    /** AF_INET socket (bound to an IPv4 address, e.g. 0.0.0.0): IPv4 remotes only. */
    IPV4("ipv4", true, false),
    /** AF_INET6 socket bound to an IPv6 address other than "::": IPv6 remotes only. */
    IPV6("ipv6", false, true),
    /** AF_INET6 socket bound to "::" (IPV6_V6ONLY off): IPv6 remotes, IPv4 remotes as IPv4-mapped. */
    DUAL("dual-stack", true, true);

    private final String wireName;
    private final boolean v4;
    private final boolean v6;

    AddressFamilies(String wireName, boolean v4, boolean v6) {
        this.wireName = wireName;
        this.v4 = v4;
        this.v6 = v6;
    }

    @JsonValue
    public String wireName() { return wireName; }

    /** What a Listener registered without families reaches: the sender's default bind is 0.0.0.0. */
    public static AddressFamilies defaultFamilies() { return IPV4; }

    /** Whether a socket of these families sends to {@code address} as the address it is. */
    public boolean reaches(InetAddress address) {
        if (address == null) return false;
        return isIpv4(address) ? v4 : v6;
    }

    /**
     * IPv4, also for an IPv4-mapped {@code Inet6Address} (Java builds those only on request, e.g.
     * {@code Inet6Address.getByAddress(host, bytes, scope)}): it stands for the IPv4 address.
     */
    public static boolean isIpv4(InetAddress address) {
        if (address instanceof Inet4Address) return true;
        byte[] b = address.getAddress();
        for (int i = 0; i < 10; i++) if (b[i] != 0) return false;
        return (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    }

    public boolean reachesIpv4() { return v4; }

    public boolean reachesIpv6() { return v6; }

    @JsonCreator
    public static AddressFamilies fromWireName(String name) {
        for (AddressFamilies f : values()) {
            if (f.wireName.equalsIgnoreCase(name) || f.name().equalsIgnoreCase(name)) return f;
        }
        throw new IllegalArgumentException("unknown address families: " + name + " (ipv4, ipv6, dual-stack)");
    }
}
