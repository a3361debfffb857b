package com.proxylity.packetsource.core.egresspolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
            "10.0.0.0/8, 10.0.0.0, true",
            "10.0.0.0/8, 10.255.255.255, true",
            "10.0.0.0/8, 11.0.0.0, false",
            "10.0.0.0/8, 9.255.255.255, false",
            "172.16.0.0/12, 172.31.255.255, true",
            "172.16.0.0/12, 172.32.0.0, false",
            "172.16.0.0/12, 172.15.255.255, false",
            "100.64.0.0/10, 100.127.255.255, true",
            "100.64.0.0/10, 100.128.0.0, false",
            "0.0.0.0/0, 255.255.255.255, true",
            "0.0.0.0/0, ::, false",
            "::/0, 1.2.3.4, false",
            "::/0, ffff::, true",
            "1.2.3.4, 1.2.3.4, true",
            "1.2.3.4, 1.2.3.5, false",
            "1.2.3.4/31, 1.2.3.5, true",
            "fe80::/10, febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff, true",
            "fe80::/10, fec0::, false",
            "fc00::/7, fdff::1, true",
            "fc00::/7, fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, false",
            "::1, ::1, true",
            "::1, ::2, false"})
    void matchesOnPrefixBits(String cidr, String address, boolean expected) throws Exception {
        assertEquals(expected, Cidr.parse(cidr).contains(IpLiteral.parse(address).orElseThrow()));
    }

    @Test
    void bareAddressIsFullLength() {
        assertEquals(32, Cidr.parse("1.2.3.4").prefixLength());
        assertEquals(128, Cidr.parse("::1").prefixLength());
        assertEquals(Cidr.parse("::1/128"), Cidr.parse(" ::1 "));
    }

    @Test
    void mappedPrefixStaysIpv6() {
        Cidr mapped = Cidr.parse("::ffff:0:0/96");
        assertFalse(mapped.isIpv4());
        assertTrue(mapped.matches(IpLiteral.parseBytes("::ffff:1.2.3.4").orElseThrow()));
        assertEquals("0:0:0:0:0:ffff:0:0/96", mapped.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/8", "10.0.0.1/8", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/08",
            "10.0.0.0/-1", "10.0.0.0/8/8", "foo/8", "localhost", "10.0.0.0/ 8", "fe80::1/10", "10.0.0.0/1000"})
    void rejectsBadCidrs(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        assertTrue(e.getMessage().contains("CIDR"), e.getMessage());
    }

    @Test
    void parsesLists() {
        assertEquals(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")), Cidr.parseList("127.0.0.0/8, ::1"));
        assertEquals(List.of(), Cidr.parseList("  "));
        assertEquals(List.of(), Cidr.parseList(null));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parseList("127.0.0.0/8,nope"));
    }

    @Test
    void nullNeverMatches() {
        assertFalse(Cidr.parse("0.0.0.0/0").contains((InetAddress) null));
    }
}
