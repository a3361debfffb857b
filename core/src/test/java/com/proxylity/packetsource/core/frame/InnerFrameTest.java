package com.proxylity.packetsource.core.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InnerFrameTest {
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /**
     * Hand-worked (RFC 1071 arithmetic on paper), 10.0.0.1:53 to 10.0.0.2:12345, payload 01.
     * IPv4 header words 4500+001d+0000+4000+4011+0a00+0001+0a00+0002 = d931, checksum ~d931 = 26ce.
     * UDP: pseudo 0a00+0001+0a00+0002+0011+0009 = 141d; header 0035+3039+0009 = 3077;
     * data 0100; total 4594, checksum ~4594 = ba6b.
     */
    @Test
    void ipv4KnownAnswer() throws Exception {
        byte[] frame = InnerFrame.build(InetAddress.getByName("10.0.0.1"), 53, InetAddress.getByName("10.0.0.2"),
                12345, new byte[] {1});
        assertArrayEquals(hex("4500 001d 0000 4000 4011 26ce 0a00 0001 0a00 0002" + "0035 3039 0009 ba6b 01"), frame);
    }

    /**
     * IPv6, [fd00:1::1]:7 to [fd00:1::3]:7, payload "echo" (6563 686f). Pseudo-header: source words
     * fd00+0001+0001 = fd02, destination fd00+0001+0003 = fd04, length 000c, next header 0011:
     * 1_fa23; UDP 0007+0007+000c: 1_fa3d; data 6563+686f: 2_c80f, folds to c811; checksum
     * ~c811 = 37ee.
     */
    @Test
    void ipv6KnownAnswer() throws Exception {
        byte[] frame = InnerFrame.build(InetAddress.getByName("fd00:1::1"), 7, InetAddress.getByName("fd00:1::3"), 7,
                "echo".getBytes());
        assertArrayEquals(hex("6000 0000 000c 1140"
                + "fd00 0001 0000 0000 0000 0000 0000 0001"
                + "fd00 0001 0000 0000 0000 0000 0000 0003"
                + "0007 0007 000c 37ee 6563 686f"), frame);
    }

    /** A computed checksum of 0 goes on the wire as ffff (RFC 768; 0 would mean "none"). */
    @Test
    void zeroChecksumIsSentAsAllOnes() throws Exception {
        for (String[] pair : new String[][] {{"192.0.2.1", "192.0.2.2"}, {"2001:db8::1", "2001:db8::2"}}) {
            InetAddress s = InetAddress.getByName(pair[0]);
            InetAddress d = InetAddress.getByName(pair[1]);
            int udp = s.getAddress().length == 4 ? 20 : 40;
            byte[] probe = InnerFrame.build(s, 1000, d, 2000, new byte[2]);
            int c = ((probe[udp + 6] & 0xFF) << 8) | (probe[udp + 7] & 0xFF);
            // Payload word equal to the probe's checksum makes the one's complement sum ffff.
            byte[] frame = InnerFrame.build(s, 1000, d, 2000, new byte[] {(byte) (c >> 8), (byte) c});
            assertEquals(0xFF, frame[udp + 6] & 0xFF);
            assertEquals(0xFF, frame[udp + 7] & 0xFF);
        }
    }

    /** Independent check: the receiver's verification (sum including the checksum is ffff). */
    @Test
    void randomFramesVerifyLikeAReceiverWould() throws Exception {
        Random r = new Random(42);
        for (int i = 0; i < 200; i++) {
            boolean v4 = r.nextBoolean();
            byte[] a = new byte[v4 ? 4 : 16];
            byte[] b = new byte[a.length];
            r.nextBytes(a);
            r.nextBytes(b);
            byte[] payload = new byte[r.nextInt(1400)];
            r.nextBytes(payload);
            int sp = 1 + r.nextInt(65535);
            int dp = 1 + r.nextInt(65535);
            byte[] f = InnerFrame.build(a, sp, b, dp, payload);
            int h = v4 ? 20 : 40;
            assertEquals(h + 8 + payload.length, f.length);
            if (v4) assertEquals(0xFFFF, fold(words(f, 0, 20)));
            long pseudo = words(a, 0, a.length) + words(b, 0, b.length) + 17 + 8 + payload.length;
            assertEquals(0xFFFF, fold(pseudo + words(f, h, f.length - h)), "frame " + i);
            assertEquals(64, f[v4 ? 8 : 7]);
        }
    }

    static long words(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xFF;
            int lo = i + 1 < len ? b[off + i + 1] & 0xFF : 0;
            s += (hi << 8) | lo;
        }
        return s;
    }

    static int fold(long s) {
        while (s > 0xFFFF) s = (s & 0xFFFF) + (s >> 16);
        return (int) s;
    }

    @Test
    void rejectsMixedFamiliesAndOversize() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> InnerFrame.build(InetAddress.getByName("10.0.0.1"), 1,
                InetAddress.getByName("fd00::1"), 1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> InnerFrame.build(new byte[4], 1, new byte[4], 1,
                new byte[65_535 - 28 + 1]));
        assertEquals(65_535, InnerFrame.build(new byte[4], 1, new byte[4], 1, new byte[65_535 - 28]).length);
    }

    @Test
    void recognisesWhatBuildMakesAndNothingMisshapen() throws Exception {
        byte[] v4 = InnerFrame.build(InetAddress.getByName("10.0.0.1"), 53, InetAddress.getByName("10.0.0.2"), 9,
                new byte[] {1, 2, 3});
        byte[] v6 = InnerFrame.build(InetAddress.getByName("fd00::1"), 53, InetAddress.getByName("fd00::2"), 9,
                new byte[0]);
        org.junit.jupiter.api.Assertions.assertTrue(InnerFrame.isUdpFrame(v4));
        org.junit.jupiter.api.Assertions.assertTrue(InnerFrame.isUdpFrame(v6));
        org.junit.jupiter.api.Assertions.assertFalse(InnerFrame.isUdpFrame(new byte[0]));
        org.junit.jupiter.api.Assertions.assertFalse(InnerFrame.isUdpFrame(new byte[] {1, 2, 3}));
        org.junit.jupiter.api.Assertions.assertFalse(InnerFrame.isUdpFrame(java.util.Arrays.copyOf(v4, v4.length - 1)));
        org.junit.jupiter.api.Assertions.assertFalse(InnerFrame.isUdpFrame(java.util.Arrays.copyOf(v6, v6.length + 1)));
        byte[] tcp = v4.clone();
        tcp[9] = 6;
        org.junit.jupiter.api.Assertions.assertFalse(InnerFrame.isUdpFrame(tcp));
        byte[] options = v4.clone();
        options[0] = 0x46;
        org.junit.jupiter.api.Assertions.assertFalse(InnerFrame.isUdpFrame(options));
        byte[] udpLen = v6.clone();
        udpLen[InnerFrame.IPV6_HEADER + 5]++;
        org.junit.jupiter.api.Assertions.assertFalse(InnerFrame.isUdpFrame(udpLen));
        // A range of a larger array is judged by its own length, not the array's.
        byte[] inBody = new byte[v4.length + 7];
        System.arraycopy(v4, 0, inBody, 3, v4.length);
        org.junit.jupiter.api.Assertions.assertTrue(InnerFrame.isUdpFrame(inBody, 3, v4.length));
        org.junit.jupiter.api.Assertions.assertFalse(InnerFrame.isUdpFrame(inBody, 3, v4.length + 1));
        org.junit.jupiter.api.Assertions.assertFalse(InnerFrame.isUdpFrame(inBody, 2, v4.length));
        org.junit.jupiter.api.Assertions.assertFalse(InnerFrame.isUdpFrame(inBody, 8, v4.length));
    }
}
