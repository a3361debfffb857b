package com.proxylity.packetsource.core.frame;

import java.net.InetAddress;

/**
 * Builds the inner IPv4/IPv6 + UDP frame that a WireGuard Listener with DecapsulatedDelivery
 * seals around a payload (docs/architecture.md#inner-frames: frames are built in the pipeline). The
 * receiving kernel checks both checksums, so both are always computed.
 */
public final class InnerFrame {
    public static final int IPV4_HEADER = 20;
    public static final int IPV6_HEADER = 40;
    public static final int UDP_HEADER = 8;
    /** RFC 1700 / Linux default TTL and hop limit. */
    public static final int DEFAULT_TTL = 64;
    public static final int PROTOCOL_UDP = 17;
    /** RFC 791: don't fragment. With MF=0 and offset 0 the datagram is atomic (RFC 6864), so ID 0 is fine. */
    private static final int FLAG_DF = 0x4000;

    private InnerFrame() {}

    /** Header bytes added around the payload for an address of this length (4 or 16). */
    public static int overhead(int addressLength) {
        return (addressLength == 4 ? IPV4_HEADER : IPV6_HEADER) + UDP_HEADER;
    }

    public static byte[] build(InetAddress source, int sourcePort, InetAddress destination,
                               int destinationPort, byte[] payload) {
        return build(source.getAddress(), sourcePort, destination.getAddress(), destinationPort, payload);
    }

    /**
     * @param src 4 (IPv4) or 16 (IPv6, IPv4-mapped included) address bytes; dst the same length
     * @throws IllegalArgumentException when the families differ, a port is outside 0..65535, or
     *     the frame would not fit the 16-bit length fields
     */
    public static byte[] build(byte[] src, int sourcePort, byte[] dst, int destinationPort, byte[] payload) {
        if ((src.length != 4 && src.length != 16) || src.length != dst.length) {
            throw new IllegalArgumentException("inner source and destination are of different address families");
        }
        if (sourcePort < 0 || sourcePort > 0xFFFF || destinationPort < 0 || destinationPort > 0xFFFF) {
            throw new IllegalArgumentException("inner port out of range");
        }
        boolean v4 = src.length == 4;
        int udpLength = UDP_HEADER + payload.length;
        int ipHeader = v4 ? IPV4_HEADER : IPV6_HEADER;
        if (udpLength > 0xFFFF || (v4 && ipHeader + udpLength > 0xFFFF)) {
            throw new IllegalArgumentException("inner frame exceeds 65535 bytes");
        }
        byte[] frame = new byte[ipHeader + udpLength];
        if (v4) {
            frame[0] = 0x45; // version 4, IHL 5 words
            put16(frame, 2, frame.length);
            put16(frame, 6, FLAG_DF);
            frame[8] = (byte) DEFAULT_TTL;
            frame[9] = (byte) PROTOCOL_UDP;
            System.arraycopy(src, 0, frame, 12, 4);
            System.arraycopy(dst, 0, frame, 16, 4);
            put16(frame, 10, finish(sum(frame, 0, IPV4_HEADER, 0)));
        } else {
            frame[0] = 0x60; // version 6, traffic class 0, flow label 0
            put16(frame, 4, udpLength);
            frame[6] = (byte) PROTOCOL_UDP;
            frame[7] = (byte) DEFAULT_TTL;
            System.arraycopy(src, 0, frame, 8, 16);
            System.arraycopy(dst, 0, frame, 24, 16);
        }
        int u = ipHeader;
        put16(frame, u, sourcePort);
        put16(frame, u + 2, destinationPort);
        put16(frame, u + 4, udpLength);
        System.arraycopy(payload, 0, frame, u + UDP_HEADER, payload.length);
        // Pseudo-header (RFC 768 for IPv4, RFC 8200 section 8.1 for IPv6): addresses, protocol, UDP length.
        long acc = sum(src, 0, src.length, 0);
        acc = sum(dst, 0, dst.length, acc);
        acc += PROTOCOL_UDP + udpLength;
        acc = sum(frame, u, udpLength, acc);
        int checksum = finish(acc);
        // RFC 768: a computed 0 is sent as all ones (0 means "no checksum", illegal for IPv6).
        put16(frame, u + 6, checksum == 0 ? 0xFFFF : checksum);
        return frame;
    }

    /**
     * Whether {@code p} is shaped like a frame {@link #build} makes: IPv4 without options or
     * IPv6 without extension headers, carrying UDP, with every length field agreeing with the
     * array's length. Checksums are left to the receiving kernel. The sender checks this before
     * sealing for a DecapsulatedDelivery Listener, so a malformed frame never spends a counter.
     */
    public static boolean isUdpFrame(byte[] p) {
        return p != null && isUdpFrame(p, 0, p.length);
    }

    /** {@link #isUdpFrame(byte[])} of {@code p[off, off+len)}. */
    public static boolean isUdpFrame(byte[] p, int off, int len) {
        if (p == null || len < 1 || off < 0 || off + len > p.length) return false;
        int version = (p[off] & 0xFF) >>> 4;
        int ip;
        if (version == 4) {
            ip = IPV4_HEADER;
            if (len < ip + UDP_HEADER || (p[off] & 0x0F) != 5 || get16(p, off + 2) != len
                    || (p[off + 9] & 0xFF) != PROTOCOL_UDP) {
                return false;
            }
        } else if (version == 6) {
            ip = IPV6_HEADER;
            if (len < ip + UDP_HEADER || get16(p, off + 4) != len - ip || (p[off + 6] & 0xFF) != PROTOCOL_UDP) {
                return false;
            }
        } else {
            return false;
        }
        return get16(p, off + ip + 4) == len - ip;
    }

    private static int get16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    /** RFC 1071 one's complement sum of 16-bit words (odd tail padded with zero), unfolded. */
    static long sum(byte[] b, int off, int len, long acc) {
        int i = off;
        int end = off + len;
        for (; i + 1 < end; i += 2) {
            acc += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        if (i < end) acc += (b[i] & 0xFF) << 8;
        return acc;
    }

    static int finish(long acc) {
        while ((acc >>> 16) != 0) acc = (acc & 0xFFFF) + (acc >>> 16);
        return (int) (~acc & 0xFFFF);
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }
}
