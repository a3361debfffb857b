package com.proxylity.packetsource.core.egresspolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "1.2.3.4|1.2.3.4",
            "0.0.0.0|0.0.0.0",
            "255.255.255.255|255.255.255.255",
            "203.0.113.42|203.0.113.42",
            "::|0:0:0:0:0:0:0:0",
            "::1|0:0:0:0:0:0:0:1",
            "1::|1:0:0:0:0:0:0:0",
            "1::8|1:0:0:0:0:0:0:8",
            "1:2:3:4:5:6:7:8|1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::|1:2:3:4:5:6:7:0",
            "::2:3:4:5:6:7:8|0:2:3:4:5:6:7:8",
            "FE80::ABCD|fe80:0:0:0:0:0:0:abcd",
            "0000:0000::0001|0:0:0:0:0:0:0:1",
            "2001:db8::1|2001:db8:0:0:0:0:0:1",
            "fd00:ec2::254|fd00:ec2:0:0:0:0:0:254",
            "1:2:3:4:5:6:1.2.3.4|1:2:3:4:5:6:102:304",
            "64:ff9b::192.0.2.33|64:ff9b:0:0:0:0:c000:221",
            "::10.0.0.1|0:0:0:0:0:0:a00:1",
            // IPv4-mapped comes back as the IPv4 address it stands for
            "::ffff:10.0.0.1|10.0.0.1",
            "::FFFF:7f00:1|127.0.0.1",
            "0:0:0:0:0:ffff:a9fe:a9fe|169.254.169.254"})
    void parsesLiterals(String text, String expected) {
        InetAddress address = IpLiteral.parse(text).orElseThrow();
        assertEquals(expected, address.getHostAddress());
        if (expected.contains(":")) assertInstanceOf(Inet6Address.class, address);
        else assertInstanceOf(Inet4Address.class, address);
    }

    @ParameterizedTest(name = "[{0}]")
    @NullAndEmptySource
    @ValueSource(strings = {
            // names: a resolver would answer these; we must not even try
            "localhost", "example.com", "ip6-localhost", "a", "metadata.google.internal",
            // IPv4 forms inet_aton accepts but that are ambiguous or not dotted-quad
            "1.2.3", "1.2.3.4.5", "127.1", "2130706433", "0x7f.0.0.1", "01.2.3.4", "1.2.3.04", "00.0.0.0",
            "010.0.0.1", "256.1.1.1", "1.2.3.-4", "+1.2.3.4", "1..2.3", "1.2.3.", ".1.2.3", "1.2.3.4 ", " 1.2.3.4",
            "1.2.3.4/32", "1.2.3.1000",
            // non-ASCII digits (Character.isDigit would accept them)
            "\u0661.\u0662.\u0663.\u0664", "\uff11.2.3.4", "\uff11::1",
            // IPv6 malformed
            ":", ":::", "1:::2", "1::2::3", ":1::", "1::2:", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:",
            "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "12345::", "g::1",
            "::ffff:10.0.0.01", "::ffff:10.0.0", "1.2.3.4::", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4.5",
            // zone ids, brackets, ports
            "fe80::1%eth0", "fe80::1%1", "[::1]", "[::1]:53", "1.2.3.4:53",
            // too long (46 chars) though otherwise well-formed-looking
            "0000:0000:0000:0000:0000:ffff:255.255.255.2555"})
    void rejectsEverythingElse(String text) {
        assertEquals(Optional.empty(), IpLiteral.parse(text));
    }

    @Test
    void parseBytesKeepsTheMappedFormAsWritten() {
        byte[] bytes = IpLiteral.parseBytes("::ffff:10.0.0.1").orElseThrow();
        assertEquals(16, bytes.length);
        assertTrue(IpLiteral.isV4Mapped(bytes));
    }

    /**
     * No DNS: "localhost" being rejected (a resolver maps it to 127.0.0.1) shows the behaviour;
     * this shows the structure: the class does not reference any name-resolving method at all.
     */
    @Test
    void neverReferencesAResolver() throws Exception {
        String classFile;
        try (InputStream in = IpLiteral.class.getResourceAsStream("IpLiteral.class")) {
            classFile = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        assertTrue(classFile.contains("getByAddress"));
        for (String resolving : new String[] {"getByName", "getAllByName", "getLocalHost", "getHostName", "getCanonicalHostName"}) {
            assertFalse(classFile.contains(resolving), resolving);
        }
    }
}
