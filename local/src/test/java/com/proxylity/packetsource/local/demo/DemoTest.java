package com.proxylity.packetsource.local.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's main command passes from a fresh start, with no AWS credentials or network. */
class DemoTest {
    @Test
    void demoPasses() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        boolean pass = new Demo(new PrintStream(buf, true, StandardCharsets.UTF_8))
                .run(new PrintStream(OutputStream.nullOutputStream()));
        String out = buf.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        assertTrue(pass, out);
        assertTrue(out.contains("PASS"));
        // Each bad example's own outcome next to the one it expects.
        assertTrue(out.matches("(?s).*private address\\s+EgressDenied\\s+EgressDenied: Remote.Address is in 10.0.0.0/8 private \\(RFC 1918\\)\n.*"), out);
        assertTrue(out.matches("(?s).*unknown region\\s+filtered\\s+filtered: no delivery queue's filter took it\n.*"), out);
        assertTrue(!out.contains("MISMATCH"), out);
        assertTrue(out.contains("DecodeError: ascii: non 7-bit character at index 2"), out);
    }

    @Test
    void aDatagramCountsOnlyFromTheListenersOwnPort() throws Exception {
        var loopback = java.net.InetAddress.getLoopbackAddress();
        var right = new java.net.DatagramPacket(new byte[1], 1, loopback, 4000);
        var otherPort = new java.net.DatagramPacket(new byte[1], 1, loopback, 4001);
        var otherHost = new java.net.DatagramPacket(new byte[1], 1, java.net.InetAddress.getByName("192.0.2.1"), 4000);
        org.junit.jupiter.api.Assertions.assertTrue(Demo.fromListener(right, 4000));
        org.junit.jupiter.api.Assertions.assertFalse(Demo.fromListener(otherPort, 4000));
        org.junit.jupiter.api.Assertions.assertFalse(Demo.fromListener(otherHost, 4000));
    }
}
