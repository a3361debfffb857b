package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.core.contract.AddressFamilies;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The binding and family rules of a Listener socket, used by stage 8 of the send path (package
 * comment of {@code com.proxylity.packetsource.sender}) for every datagram and by WireGuard's
 * replies. The socket's family decides what it can send to, not the destination's: an AF_INET
 * socket bound to an IPv4 address reaches IPv4 only; an AF_INET6 socket bound to "::" is
 * dual-stack (Linux default {@code net.ipv6.bindv6only=0}; where a host sets 1 an IPv4 remote's
 * mapped form is refused by the kernel as SendError, never sent elsewhere); bound to any other
 * IPv6 address, it reaches IPv6 only.
 */
final class SocketFamily {
    private final AddressFamilies families;

    private SocketFamily(AddressFamilies families) {
        this.families = families;
    }

    /** Until a Listener is bound it is taken as IPv4-only. */
    static final SocketFamily UNBOUND = new SocketFamily(AddressFamilies.IPV4);

    static SocketFamily of(InetAddress bindAddress) {
        return new SocketFamily(familiesOf(bindAddress));
    }

    static AddressFamilies familiesOf(InetAddress bindAddress) {
        if (bindAddress instanceof Inet4Address) return AddressFamilies.IPV4;
        return bindAddress.isAnyLocalAddress() ? AddressFamilies.DUAL : AddressFamilies.IPV6;
    }

    /** A configured bind address: an IP literal, so no name lookup happens. */
    static InetAddress parseBind(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bind address is not an IP literal", e);
        }
    }

    AddressFamilies families() {
        return families;
    }

    /**
     * The destination exactly as this socket must be given it, or null when the socket cannot
     * reach its family. Checked here for every datagram, never left to the transport: Netty's
     * native AF_INET channel sends an IPv6 destination to the IPv4 address made of its last 4
     * bytes. On a dual-stack socket an IPv4 destination is written as its IPv4-mapped IPv6
     * address by us, explicitly.
     */
    InetSocketAddress onSocket(InetSocketAddress dest) {
        if (dest == null || dest.getAddress() == null || !families.reaches(dest.getAddress())) return null;
        boolean v4 = AddressFamilies.isIpv4(dest.getAddress());
        if (families == AddressFamilies.IPV4) {
            // Only an Inet4Address ever reaches an AF_INET socket.
            if (dest.getAddress() instanceof Inet4Address) return dest;
            byte[] b = dest.getAddress().getAddress();
            return new InetSocketAddress(toAddress(Arrays.copyOfRange(b, 12, 16)), dest.getPort());
        }
        if (!v4) return dest;
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        byte[] b = dest.getAddress().getAddress();
        System.arraycopy(b, b.length - 4, mapped, 12, 4);
        try {
            return new InetSocketAddress(Inet6Address.getByAddress(null, mapped, -1), dest.getPort());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress toAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes); // by bytes: never a lookup
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
