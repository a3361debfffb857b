package com.proxylity.packetsource.core.fuzz;

import java.util.Arrays;

/**
 * An independent second opinion on where a produced Remote really goes, written without the
 * production egress classes: the raw address bytes are read the way the sending socket and the
 * networks on the path would read them, and every IPv4 address that could end up as the real
 * destination is checked against its own table of non-public ranges.
 *
 * <p>Kept deliberately separate from {@code DefaultEgressPolicy} (other bit arithmetic, other
 * tables) so that a shared mistake is unlikely: the fuzz targets accept a Sent only when both agree.
 */
final class KernelDestination {
    private KernelDestination() {}

    /** {first address as int, prefix length}: RFC 6890 non-global IPv4 ranges the product denies. */
    private static final long[][] DENIED_V4 = {
            {0x00000000L, 8}, {0x0A000000L, 8}, {0x64400000L, 10}, {0x7F000000L, 8}, {0xA9FE0000L, 16},
            {0xAC100000L, 12}, {0xC0A80000L, 16}, {0xE0000000L, 4}, {0xF0000000L, 4}, {0xFFFFFFFFL, 32}};

    /**
     * Why the datagram must not leave, or null when it may.
     *
     * @param raw the 4 or 16 bytes of the literal as written
     * @param reachesV4 the Listener's socket sends to IPv4 (AF_INET, or dual-stack)
     * @param reachesV6 the Listener's socket sends to IPv6 (AF_INET6). An IPv6 destination
     *     written on an AF_INET socket is not sent to that IPv6 address (the native transport
     *     takes its low 32 bits), so it must never be produced for such a Listener
     */
    static String denial(byte[] raw, boolean reachesV4, boolean reachesV6) {
        if (raw.length == 16 && isMapped(raw)) {
            // The stack unwraps ::ffff:a.b.c.d to IPv4 on either socket family.
            raw = tail(raw, 12);
        }
        if (raw.length == 4) {
            if (!reachesV4) return "IPv4 destination " + text(raw) + " on an IPv6-only Listener";
            return deniedV4(raw) ? "IPv4 " + text(raw) + " is non-public" : null;
        }
        if (raw.length != 16) return "address of " + raw.length + " bytes";
        if (!reachesV6) return "IPv6 destination on an IPv4-only Listener (would go to " + text(tail(raw, 12)) + ")";
        return deniedV6(raw);
    }

    private static String deniedV6(byte[] a) {
        int w0 = word(a, 0);
        boolean upper80Zero = allZero(a, 0, 10);
        if (upper80Zero && word(a, 10) == 0) return "IPv4-compatible / unspecified / loopback ::/96";
        if (allZero(a, 0, 8) && word(a, 8) == 0xFFFF && word(a, 10) == 0) {
            return "SIIT ::ffff:0:0/96 embedding " + text(tail(a, 12));
        }
        if ((w0 & 0xFE00) == 0xFC00) return "unique local fc00::/7";
        if ((w0 & 0xFFC0) == 0xFE80) return "link-local fe80::/10";
        if ((w0 & 0xFFC0) == 0xFEC0) return "site-local fec0::/10";
        if ((w0 & 0xFF00) == 0xFF00) return "multicast ff00::/8";
        if (w0 == 0x0100 && allZero(a, 2, 8)) return "discard-only 100::/64";
        if (w0 == 0x0064 && word(a, 2) == 0xFF9B) {
            if (allZero(a, 4, 12) && deniedV4(tail(a, 12))) return "NAT64 embedding " + text(tail(a, 12));
            if (word(a, 4) == 0x0001) return "local-use NAT64 64:ff9b:1::/48";
        }
        if (w0 == 0x2002 && deniedV4(Arrays.copyOfRange(a, 2, 6))) return "6to4 embedding " + text(Arrays.copyOfRange(a, 2, 6));
        if (w0 == 0x2001 && word(a, 2) == 0) {
            byte[] server = Arrays.copyOfRange(a, 4, 8);
            byte[] client = tail(a, 12);
            for (int i = 0; i < 4; i++) client[i] = (byte) ~client[i];
            if (deniedV4(server)) return "Teredo server " + text(server);
            if (deniedV4(client)) return "Teredo client " + text(client);
        }
        return null;
    }

    static boolean deniedV4(byte[] v4) {
        long ip = ((v4[0] & 0xFFL) << 24) | ((v4[1] & 0xFFL) << 16) | ((v4[2] & 0xFFL) << 8) | (v4[3] & 0xFFL);
        for (long[] range : DENIED_V4) {
            long mask = (0xFFFFFFFFL << (32 - range[1])) & 0xFFFFFFFFL;
            if ((ip & mask) == range[0]) return true;
        }
        return false;
    }

    private static boolean isMapped(byte[] a) {
        return allZero(a, 0, 10) && word(a, 10) == 0xFFFF;
    }

    private static boolean allZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) if (a[i] != 0) return false;
        return true;
    }

    private static int word(byte[] a, int at) {
        return ((a[at] & 0xFF) << 8) | (a[at + 1] & 0xFF);
    }

    private static byte[] tail(byte[] a, int from) {
        return Arrays.copyOfRange(a, from, a.length);
    }

    private static String text(byte[] v4) {
        return (v4[0] & 0xFF) + "." + (v4[1] & 0xFF) + "." + (v4[2] & 0xFF) + "." + (v4[3] & 0xFF);
    }
}
