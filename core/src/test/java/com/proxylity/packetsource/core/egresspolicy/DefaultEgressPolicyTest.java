package com.proxylity.packetsource.core.egresspolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Hand-written tables (not derived from the policy's own list): first/last of each range and the neighbours outside. */
class DefaultEgressPolicyTest {
    private static final DefaultEgressPolicy STANDARD = DefaultEgressPolicy.standard();

    @ParameterizedTest(name = "{0} denied by {1}")
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0|0.0.0.0/8", "0.255.255.255|0.0.0.0/8",
            "10.0.0.0|10.0.0.0/8", "10.255.255.255|10.0.0.0/8",
            "100.64.0.0|100.64.0.0/10", "100.127.255.255|100.64.0.0/10",
            "127.0.0.0|127.0.0.0/8", "127.0.0.1|127.0.0.0/8", "127.255.255.255|127.0.0.0/8",
            "169.254.0.0|169.254.0.0/16", "169.254.169.254|169.254.0.0/16", "169.254.255.255|169.254.0.0/16",
            "172.16.0.0|172.16.0.0/12", "172.31.255.255|172.16.0.0/12",
            "192.168.0.0|192.168.0.0/16", "192.168.255.255|192.168.0.0/16",
            "224.0.0.0|224.0.0.0/4", "239.255.255.255|224.0.0.0/4",
            "240.0.0.0|240.0.0.0/4", "255.255.255.254|240.0.0.0/4",
            "255.255.255.255|255.255.255.255/32 limited broadcast",
            // IPv6
            "::|0:0:0:0:0:0:0:0/128 unspecified",
            "::1|0:0:0:0:0:0:0:1/128 loopback",
            "::2|IPv4-compatible", "::10.0.0.1|IPv4-compatible", "::8.8.8.8|IPv4-compatible", "::ffff:ffff|IPv4-compatible",
            "64:ff9b:1::|local-use NAT64", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff|local-use NAT64",
            "fc00::|unique local", "fd00:ec2::254|unique local", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff|unique local",
            "fe80::|link-local", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff|link-local",
            "fec0::|site-local", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff|site-local",
            "ff00::|multicast", "ff02::1|multicast", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff|multicast",
            // SIIT IPv4-translated (denied whatever it embeds) and discard-only
            "::ffff:0:0:0|SIIT", "::ffff:0:8.8.8.8|SIIT", "::ffff:0:a00:1|SIIT", "::ffff:0:ffff:ffff|SIIT",
            "100::|discard-only", "100::ffff:ffff:ffff:ffff|discard-only", "100::a9fe:a9fe|discard-only",
            // IPv4-mapped: judged as the IPv4 address, in dotted and hex forms
            "::ffff:10.0.0.1|10.0.0.0/8", "::ffff:127.0.0.1|127.0.0.0/8", "::ffff:a9fe:a9fe|169.254.0.0/16",
            "::ffff:0.0.0.0|0.0.0.0/8", "::ffff:255.255.255.255|limited broadcast", "0:0:0:0:0:ffff:ac10:1|172.16.0.0/12",
            // Translation / tunnel forms embedding a denied IPv4 address
            "64:ff9b::10.0.0.1|NAT64 64:ff9b::/96 embedding 10.0.0.0/8", "64:ff9b::a9fe:a9fe|NAT64 64:ff9b::/96 embedding 169.254.0.0/16",
            "2002:a00:1::1|6to4 2002::/16 embedding 10.0.0.0/8", "2002:7f00:1::|6to4 2002::/16 embedding 127.0.0.0/8",
            "2002:c0a8:101::1|6to4 2002::/16 embedding 192.168.0.0/16",
            "2001:0:a00:1::1|Teredo server 2001::/32 embedding 10.0.0.0/8",
            "2001:0:808:808::f5ff:fffe|Teredo client 2001::/32 embedding 10.0.0.0/8"})
    void denied(String address, String expectedReasonFragment) {
        InetAddress a = IpLiteral.parse(address).orElseThrow();
        assertFalse(STANDARD.permits(a), address);
        String why = STANDARD.whyDenied(a).orElseThrow();
        assertTrue(why.contains(expectedReasonFragment), () -> why + " lacks " + expectedReasonFragment);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // neighbours just outside each IPv4 range
            "1.0.0.0", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255", "128.0.0.0",
            "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0",
            "223.255.255.255",
            // public, and the ranges deliberately left open (documentation, IETF assignments, benchmarking)
            "8.8.8.8", "203.0.113.42", "192.0.2.1", "198.51.100.7", "192.0.0.9", "198.18.0.1",
            // IPv6 neighbours and public
            "64:ff9b:0:ffff::", "64:ff9b:2::", "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::", "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "fe00::1", "2001:db8::1", "2606:4700:4700::1111", "2600:1f18::1",
            // neighbours of SIIT and discard-only
            "0:0:0:1:ffff::", "::fffe:0:0:0", "100:0:0:1::", "ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            // mapped / translated / tunnelled public IPv4
            "::ffff:8.8.8.8", "::ffff:203.0.113.9", "64:ff9b::8.8.8.8", "2002:808:808::1",
            "2001:0:808:808::f7f7:f7f7", "2001:1::1"})
    void permitted(String address) {
        InetAddress a = IpLiteral.parse(address).orElseThrow();
        assertTrue(STANDARD.permits(a), () -> address + ": " + STANDARD.whyDenied(a));
        assertEquals(java.util.Optional.empty(), STANDARD.whyDenied(a));
    }

    @ParameterizedTest(name = "local mode: {0} -> {1}")
    @CsvSource({
            "127.0.0.1, true", "127.0.0.0, true", "127.255.255.255, true", "::1, true", "::ffff:127.0.0.1, true",
            "64:ff9b::127.0.0.1, true", "2002:7f00:1::, true",
            "10.0.0.1, false", "169.254.169.254, false", "0.0.0.0, false", "::, false", "::2, false",
            "fd00:ec2::254, false", "128.0.0.1, true"})
    void localModeAllowsOnlyLoopback(String address, boolean expected) {
        assertEquals(expected, DefaultEgressPolicy.localMode().permits(IpLiteral.parse(address).orElseThrow()));
    }

    @Test
    void allowListOverridesExactlyItsRanges() {
        DefaultEgressPolicy policy = DefaultEgressPolicy.allowing("10.1.0.0/16, fd00:ec2::/32");
        assertTrue(policy.permits(ip("10.1.2.3")));
        assertTrue(policy.permits(ip("::ffff:10.1.2.3")));
        assertTrue(policy.permits(ip("64:ff9b::10.1.2.3")));
        assertTrue(policy.permits(ip("fd00:ec2::254")));
        assertFalse(policy.permits(ip("10.2.0.1")));
        assertFalse(policy.permits(ip("fd00:ec3::1")));
        assertFalse(policy.permits(ip("172.16.0.1")));
        assertEquals(2, policy.allowed().size());
    }

    @Test
    void nullIsDenied() {
        assertFalse(STANDARD.permits(null));
    }

    /** Every IPv4 address gets the same answer in its mapped, NAT64 and 6to4 spellings. */
    @Property(tries = 2000)
    void ipv6SpellingsOfAnIpv4AddressAgree(@ForAll int raw) throws Exception {
        byte[] v4 = {(byte) (raw >>> 24), (byte) (raw >>> 16), (byte) (raw >>> 8), (byte) raw};
        boolean expected = STANDARD.permits(InetAddress.getByAddress(v4));
        byte[] mapped = new byte[16];
        mapped[10] = mapped[11] = (byte) 0xFF;
        System.arraycopy(v4, 0, mapped, 12, 4);
        byte[] nat64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, v4[0], v4[1], v4[2], v4[3]};
        byte[] sixToFour = {0x20, 0x02, v4[0], v4[1], v4[2], v4[3], 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        // Inet6Address keeps the mapped form as IPv6 (InetAddress.getByAddress would convert it).
        assertEquals(expected, STANDARD.permits(java.net.Inet6Address.getByAddress(null, mapped, -1)));
        assertEquals(expected, STANDARD.permits(InetAddress.getByAddress(nat64)));
        assertEquals(expected, STANDARD.permits(InetAddress.getByAddress(sixToFour)));
    }

    private static InetAddress ip(String text) {
        return IpLiteral.parse(text).orElseThrow();
    }
}
