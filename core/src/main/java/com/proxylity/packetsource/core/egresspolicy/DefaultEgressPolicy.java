package com.proxylity.packetsource.core.egresspolicy;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * docs/architecture.md#egress-safety: remote addresses in non-public ranges are denied unless a CIDR in the
 * deployment's allow-list covers them. IPv6 forms that stand for an IPv4 address are judged by
 * that IPv4 address: IPv4-mapped (::ffff:0:0/96, always), and the translation/tunnel prefixes
 * NAT64 (64:ff9b::/96), 6to4 (2002::/16) and Teredo (2001::/32), where a gateway or relay on
 * the path would deliver to the embedded IPv4 address. See docs/egress-policy.md.
 */
public final class DefaultEgressPolicy implements EgressPolicy {

    /** A denied prefix and why, so a denial can be explained (dry run, logs). */
    public record DeniedRange(Cidr cidr, String why) {
        static DeniedRange of(String cidr, String why) {
            return new DeniedRange(Cidr.parse(cidr), why);
        }
    }

    /*
     * Deliberately NOT denied: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (documentation;
     * unroutable on the Internet, and our docs and test events use them as example remotes),
     * 192.0.0.0/24 (IETF protocol assignments; IANA lists parts of it, e.g. 192.0.0.9/32, as
     * globally reachable), 198.18.0.0/15 (benchmarking). None is a private or metadata range (docs/architecture.md#egress-safety).
     */
    public static final List<DeniedRange> DENIED_IPV4 = List.of(
            DeniedRange.of("0.0.0.0/8", "unspecified / this network (RFC 1122); Linux delivers 0.0.0.0 locally"),
            DeniedRange.of("10.0.0.0/8", "private (RFC 1918)"),
            DeniedRange.of("100.64.0.0/10", "shared address space (RFC 6598)"),
            DeniedRange.of("127.0.0.0/8", "loopback (RFC 1122)"),
            DeniedRange.of("169.254.0.0/16", "link-local incl. instance metadata 169.254.169.254 (RFC 3927)"),
            DeniedRange.of("172.16.0.0/12", "private (RFC 1918)"),
            DeniedRange.of("192.168.0.0/16", "private (RFC 1918)"),
            DeniedRange.of("224.0.0.0/4", "multicast (RFC 5771)"),
            DeniedRange.of("255.255.255.255/32", "limited broadcast (RFC 919)"),
            DeniedRange.of("240.0.0.0/4", "reserved (RFC 1112)"));

    public static final List<DeniedRange> DENIED_IPV6 = List.of(
            DeniedRange.of("::/128", "unspecified (RFC 4291)"),
            DeniedRange.of("::1/128", "loopback (RFC 4291)"),
            // Deprecated IPv4-compatible form (RFC 4291 2.5.5.1): no legitimate destination, and
            // old stacks route it as the embedded IPv4 address.
            DeniedRange.of("::/96", "IPv4-compatible, deprecated (RFC 4291)"),
            // Local-use NAT64 prefix: the embedding position depends on the operator's prefix
            // length, so it cannot be checked; it is for private translation anyway.
            DeniedRange.of("64:ff9b:1::/48", "local-use NAT64 (RFC 8215)"),
            // SIIT IPv4-translated addresses (::ffff:0:a.b.c.d, RFC 2765): a stateless translator
            // delivers them to the embedded IPv4 address. Not a destination anyone publishes to,
            // so denied outright instead of judged by the embedded address.
            DeniedRange.of("::ffff:0:0:0/96", "IPv4-translated, SIIT (RFC 2765)"),
            // Discard-only prefix: routed to a black hole by design, never a real peer.
            DeniedRange.of("100::/64", "discard-only (RFC 6666)"),
            DeniedRange.of("fc00::/7", "unique local incl. instance metadata fd00:ec2::254 (RFC 4193)"),
            DeniedRange.of("fe80::/10", "link-local (RFC 4291)"),
            DeniedRange.of("fec0::/10", "site-local, deprecated private range (RFC 3879)"),
            DeniedRange.of("ff00::/8", "multicast (RFC 4291)"));

    /** Local mode sends to peers on this machine (docs/architecture.md#egress-safety). */
    public static final List<Cidr> LOCAL_MODE_ALLOW = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"));

    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
    private static final Cidr TEREDO = Cidr.parse("2001::/32");

    private final List<Cidr> allowed;

    public DefaultEgressPolicy(Collection<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** The production policy: no allow-list. */
    public static DefaultEgressPolicy standard() {
        return new DefaultEgressPolicy(List.of());
    }

    /** Allows loopback (127.0.0.0/8 and ::1), nothing else beyond the standard policy. */
    public static DefaultEgressPolicy localMode() {
        return new DefaultEgressPolicy(LOCAL_MODE_ALLOW);
    }

    /** @param commaSeparatedCidrs e.g. "127.0.0.0/8,::1"; blank for none */
    public static DefaultEgressPolicy allowing(String commaSeparatedCidrs) {
        return new DefaultEgressPolicy(Cidr.parseList(commaSeparatedCidrs));
    }

    public List<Cidr> allowed() { return allowed; }

    @Override
    public boolean permits(InetAddress address) {
        return address != null && whyDenied(address).isEmpty();
    }

    /** Empty when permitted; otherwise the denied range and reason, e.g. "10.0.0.0/8 private (RFC 1918)". */
    @Override
    public Optional<String> whyDenied(InetAddress address) {
        if (address == null) return Optional.of("no address");
        byte[] bytes = address.getAddress();
        if (IpLiteral.isV4Mapped(bytes)) bytes = Arrays.copyOfRange(bytes, 12, 16);
        if (isAllowed(bytes)) return Optional.empty();
        Optional<String> direct = deniedRange(bytes);
        if (direct.isPresent() || bytes.length == 4) return direct;
        return embeddedDenial(bytes);
    }

    private Optional<String> embeddedDenial(byte[] v6) {
        if (NAT64.matches(v6)) return checkEmbedded("NAT64 64:ff9b::/96", Arrays.copyOfRange(v6, 12, 16));
        if (SIX_TO_FOUR.matches(v6)) return checkEmbedded("6to4 2002::/16", Arrays.copyOfRange(v6, 2, 6));
        if (TEREDO.matches(v6)) {
            Optional<String> server = checkEmbedded("Teredo server 2001::/32", Arrays.copyOfRange(v6, 4, 8));
            if (server.isPresent()) return server;
            byte[] client = Arrays.copyOfRange(v6, 12, 16);
            for (int i = 0; i < 4; i++) client[i] = (byte) ~client[i]; // RFC 4380 stores it inverted
            return checkEmbedded("Teredo client 2001::/32", client);
        }
        return Optional.empty();
    }

    private Optional<String> checkEmbedded(String form, byte[] v4) {
        if (isAllowed(v4)) return Optional.empty();
        return deniedRange(v4).map(why -> form + " embedding " + why);
    }

    private boolean isAllowed(byte[] bytes) {
        for (Cidr cidr : allowed) {
            if (cidr.matches(bytes)) return true;
        }
        return false;
    }

    private static Optional<String> deniedRange(byte[] bytes) {
        for (DeniedRange range : bytes.length == 4 ? DENIED_IPV4 : DENIED_IPV6) {
            if (range.cidr().matches(bytes)) return Optional.of(range.cidr() + " " + range.why());
        }
        return Optional.empty();
    }
}
