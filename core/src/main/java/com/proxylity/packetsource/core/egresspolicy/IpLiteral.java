package com.proxylity.packetsource.core.egresspolicy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Strict IP address literals, parsed by hand so that no input can ever reach a resolver
 * ({@code InetAddress.getByName} looks up anything that is not a literal in DNS).
 *
 * <ul>
 *   <li>IPv4: exactly four dot-separated decimal parts 0-255, ASCII digits only, no leading
 *       zeros ("01.2.3.4" is ambiguous: octal to inet_aton, decimal to others).</li>
 *   <li>IPv6: RFC 4291 section 2.2 text forms (hex groups, one "::", a trailing dotted-quad),
 *       without brackets, without zone ids ("%eth0" is meaningless off-host).</li>
 * </ul>
 * Returned addresses carry no host name; use {@code getHostAddress()}, never
 * {@code getHostName()} (that does a reverse lookup).
 */
public final class IpLiteral {
    /** Longest valid text: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255". */
    public static final int MAX_LENGTH = 45;

    private IpLiteral() {}

    /**
     * The address, or empty when {@code text} is not a literal. IPv4-mapped IPv6
     * ({@code ::ffff:a.b.c.d}) comes back as the IPv4 address it stands for.
     */
    public static Optional<InetAddress> parse(String text) {
        return parseBytes(text).map(IpLiteral::toInetAddress);
    }

    /** The raw 4 or 16 bytes as written (IPv4-mapped IPv6 stays 16 bytes), or empty. */
    public static Optional<byte[]> parseBytes(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) return Optional.empty();
        return Optional.ofNullable(text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text));
    }

    static InetAddress toInetAddress(byte[] bytes) {
        byte[] raw = isV4Mapped(bytes) ? Arrays.copyOfRange(bytes, 12, 16) : bytes;
        try {
            return InetAddress.getByAddress(raw); // by bytes: never a lookup
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes expected", e);
        }
    }

    /** Bytes as given, without the IPv4-mapped conversion (for showing IPv6 prefixes as written). */
    static InetAddress toInetAddressRaw(byte[] bytes) {
        try {
            return bytes.length == 16 ? Inet6Address.getByAddress(null, bytes, -1) : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes expected", e);
        }
    }

    /** ::ffff:0:0/96 (RFC 4291 section 2.5.5.2). */
    static boolean isV4Mapped(byte[] b) {
        if (b.length != 16) return false;
        for (int i = 0; i < 10; i++) if (b[i] != 0) return false;
        return (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    }

    /**
     * Strict dotted quad: four decimal parts of 1–3 digits, no leading zero, each ≤ 255. One
     * pass without splitting: it runs for every packet the sender's policy judges.
     */
    private static byte[] parseV4(String text) {
        byte[] out = new byte[4];
        int part = 0;
        int digits = 0;
        int value = 0;
        for (int i = 0, n = text.length(); i <= n; i++) {
            char c = i < n ? text.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || part == 4 || value > 255) return null;
                out[part++] = (byte) value;
                digits = 0;
                value = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits == 3 || (digits == 1 && value == 0)) return null; // too long, or a leading zero
                value = value * 10 + (c - '0');
                digits++;
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    private static byte[] parseV6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) return null; // two "::" (or ":::")
        int[] head = gap >= 0 ? groups(text.substring(0, gap), false) : groups(text, true);
        int[] tail = gap >= 0 ? groups(text.substring(gap + 2), true) : new int[0];
        if (head == null || tail == null) return null;
        int words = head.length + tail.length;
        if (gap < 0 ? words != 8 : words > 7) return null; // "::" stands for at least one zero group
        byte[] out = new byte[16];
        for (int i = 0; i < head.length; i++) putWord(out, i, head[i]);
        for (int i = 0; i < tail.length; i++) putWord(out, 8 - tail.length + i, tail[i]);
        return out;
    }

    /** 16-bit words of a ':'-separated run; a dotted-quad is allowed only as the very last part. */
    private static int[] groups(String run, boolean endsTheAddress) {
        if (run.isEmpty()) return new int[0];
        String[] parts = run.split(":", -1);
        boolean v4Tail = endsTheAddress && parts[parts.length - 1].indexOf('.') >= 0;
        int[] words = new int[parts.length + (v4Tail ? 1 : 0)];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (v4Tail && i == parts.length - 1) {
                byte[] v4 = parseV4(p);
                if (v4 == null) return null;
                words[i] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
                words[i + 1] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
                continue;
            }
            if (p.isEmpty() || p.length() > 4) return null;
            int value = 0;
            for (int j = 0; j < p.length(); j++) {
                int digit = hexDigit(p.charAt(j));
                if (digit < 0) return null;
                value = (value << 4) | digit;
            }
            words[i] = value;
        }
        return words;
    }

    /** ASCII only: Character.digit would accept full-width and other Unicode digits. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    private static void putWord(byte[] out, int index, int word) {
        out[2 * index] = (byte) (word >>> 8);
        out[2 * index + 1] = (byte) word;
    }
}
