package com.proxylity.packetsource.sender.api;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parses IPv4/IPv6 literals without ever resolving a host name (design.md section 2). */
final class IpLiteral {
    private IpLiteral() {}

    /** @return the address, or null when {@code s} is not a plain IP literal */
    static InetAddress parse(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) return null;
        if (s.indexOf(':') >= 0) {
            // IPv6: the JDK parses anything containing ':' as a literal and never looks it up.
            // Zone ids and brackets are not addresses a client can be reached at from here.
            if (s.indexOf('%') >= 0 || s.indexOf('[') >= 0) return null;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean ok = c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
                if (!ok) return null;
            }
            try {
                return InetAddress.getByName(s);
            } catch (UnknownHostException e) {
                return null;
            }
        }
        byte[] b = new byte[4];
        int part = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || part == 4) return null;
                b[part++] = (byte) value;
                value = -1;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                // No leading zeros: "010" is octal to some parsers and decimal to others.
                if (digits == 1 && value == 0) return null;
                value = (value < 0 ? 0 : value) * 10 + (c - '0');
                if (value > 255) return null;
                digits++;
            } else {
                return null;
            }
        }
        if (part != 4) return null;
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
