package com.proxylity.packetsource.core.contract;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Strict IP literal parsing that can never reach DNS (design.md section 2: no host names).
 *
 * <p>IPv4 must be a plain dotted quad of decimal octets without leading zeros, because other
 * parsers read "010.0.0.1" or "127.1" differently (octal, short forms) and a policy check must
 * see the same address the socket would use. IPv6 is the RFC 4291 text form without brackets or
 * zone id; it stays an {@link Inet6Address} even for IPv4-mapped forms so the family of an inner
 * frame is what the customer wrote (the egress policy looks through mapped forms itself).
 */
public final class IpLiteral {
    private IpLiteral() {}

    public static Optional<InetAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) return Optional.empty();
        return text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text);
    }

    private static Optional<InetAddress> parseV4(String text) {
        byte[] b = v4Bytes(text);
        if (b == null) return Optional.empty();
        try {
            return Optional.of(InetAddress.getByAddress(b));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static byte[] v4Bytes(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) return null;
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) return null;
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                char c = p.charAt(k);
                if (c < '0' || c > '9') return null;
                v = v * 10 + (c - '0');
            }
            if (v > 255) return null;
            out[i] = (byte) v;
        }
        return out;
    }

    private static Optional<InetAddress> parseV6(String text) {
        byte[] b = v6Bytes(text);
        if (b == null) return Optional.empty();
        try {
            // getByAddress(host, bytes, scope) keeps an Inet6Address even for ::ffff:a.b.c.d.
            return Optional.of(Inet6Address.getByAddress(null, b, -1));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** RFC 4291 section 2.2 text forms: 8 groups, one "::", optional trailing dotted quad. */
    private static byte[] v6Bytes(String text) {
        int dc = text.indexOf("::");
        if (dc >= 0 && text.indexOf("::", dc + 1) >= 0) return null;
        String head = dc >= 0 ? text.substring(0, dc) : text;
        String tail = dc >= 0 ? text.substring(dc + 2) : "";
        if (dc >= 0 && head.indexOf('.') >= 0) return null;
        int[] h = groups(head);
        if (h == null) return null;
        int[] t = dc >= 0 ? groups(tail) : new int[0];
        if (t == null) return null;
        int total = h.length + t.length;
        if (dc < 0 && total != 8) return null;
        if (dc >= 0 && total > 7) return null;
        byte[] out = new byte[16];
        for (int i = 0; i < h.length; i++) {
            out[2 * i] = (byte) (h[i] >> 8);
            out[2 * i + 1] = (byte) h[i];
        }
        int start = 8 - t.length;
        for (int i = 0; i < t.length; i++) {
            out[2 * (start + i)] = (byte) (t[i] >> 8);
            out[2 * (start + i) + 1] = (byte) t[i];
        }
        return out;
    }

    /** Colon-separated hex groups; a dotted quad is allowed only as the last element. */
    private static int[] groups(String s) {
        if (s.isEmpty()) return new int[0];
        String[] parts = s.split(":", -1);
        int n = parts.length;
        boolean quad = parts[n - 1].indexOf('.') >= 0;
        int[] out = new int[quad ? n + 1 : n];
        for (int i = 0; i < n; i++) {
            String p = parts[i];
            if (quad && i == n - 1) {
                byte[] v4 = v4Bytes(p);
                if (v4 == null) return null;
                out[i] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
                out[i + 1] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
                continue;
            }
            if (p.isEmpty() || p.length() > 4) return null;
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                int d = Character.digit(p.charAt(k), 16);
                if (d < 0) return null;
                v = (v << 4) | d;
            }
            out[i] = v;
        }
        return out;
    }

    /** 4 or 6. */
    public static int version(InetAddress a) {
        return a instanceof Inet4Address ? 4 : 6;
    }
}
