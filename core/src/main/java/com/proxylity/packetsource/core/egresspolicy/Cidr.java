package com.proxylity.packetsource.core.egresspolicy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An IPv4 or IPv6 prefix, matched on address bytes. An IPv4 prefix matches only 4-byte
 * addresses and an IPv6 prefix only 16-byte ones; IPv4-mapped handling is the policy's job.
 */
public final class Cidr {
    private final byte[] base;
    private final int prefixLength;

    private Cidr(byte[] base, int prefixLength) {
        this.base = base;
        this.prefixLength = prefixLength;
    }

    /**
     * "a.b.c.d/n" or "v6-literal/n"; a bare address is a single-address prefix (/32 or /128).
     * Host bits must be zero ("10.1.0.0/8" is rejected as a likely typo).
     *
     * @throws IllegalArgumentException with a message naming the problem
     */
    public static Cidr parse(String text) {
        if (text == null) throw new IllegalArgumentException("CIDR is null");
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = IpLiteral.parseBytes(addressText)
                .orElseThrow(() -> new IllegalArgumentException("not an IP literal in CIDR: " + text));
        int max = bytes.length * 8;
        int length = max;
        if (slash >= 0) {
            String n = trimmed.substring(slash + 1);
            if (n.isEmpty() || n.length() > 3 || !n.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (n.length() > 1 && n.charAt(0) == '0')) {
                throw new IllegalArgumentException("bad prefix length in CIDR: " + text);
            }
            length = Integer.parseInt(n);
            if (length > max) throw new IllegalArgumentException("prefix length above " + max + " in CIDR: " + text);
        }
        Cidr cidr = new Cidr(bytes, length);
        if (!Arrays.equals(cidr.maskedCopy(bytes), bytes)) {
            throw new IllegalArgumentException("host bits set in CIDR: " + text);
        }
        return cidr;
    }

    /** Comma-separated CIDRs (e.g. an allow-list setting); blank means none. */
    public static List<Cidr> parseList(String commaSeparated) {
        List<Cidr> out = new ArrayList<>();
        if (commaSeparated == null || commaSeparated.isBlank()) return out;
        for (String part : commaSeparated.split(",")) {
            if (!part.isBlank()) out.add(parse(part));
        }
        return out;
    }

    public boolean contains(InetAddress address) {
        return address != null && matches(address.getAddress());
    }

    /** True when {@code address} (4 or 16 bytes) lies in this prefix. */
    public boolean matches(byte[] address) {
        if (address.length != base.length) return false;
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != base[i]) return false;
        }
        int rest = prefixLength % 8;
        if (rest == 0) return true;
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & mask) == (base[full] & mask);
    }

    public int prefixLength() { return prefixLength; }

    public boolean isIpv4() { return base.length == 4; }

    private byte[] maskedCopy(byte[] bytes) {
        byte[] out = bytes.clone();
        for (int bit = prefixLength; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    @Override
    public String toString() {
        return IpLiteral.toInetAddressRaw(base).getHostAddress() + "/" + prefixLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.base, base);
    }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(base) + prefixLength; }
}
