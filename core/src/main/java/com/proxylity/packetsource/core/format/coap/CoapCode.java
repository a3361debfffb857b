package com.proxylity.packetsource.core.format.coap;

import com.proxylity.packetsource.core.format.DecodeException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The 8-bit Code as class (3 bits) and detail (5 bits), written "c.dd" (RFC 7252 sections 3 and 12.1). */
public final class CoapCode {
    private static final Pattern DOTTED = Pattern.compile("([0-7])\\.([0-9]{2})");

    private CoapCode() {}

    /** Parses "c.dd" exactly: one class digit 0-7, a dot, two detail digits 00-31. */
    public static int parse(String text) throws DecodeException {
        Matcher m = DOTTED.matcher(text);
        if (!m.matches()) {
            throw new DecodeException("coap: Code must be \"c.dd\" (c 0-7, dd 00-31) or a number 0-255");
        }
        int detail = Integer.parseInt(m.group(2));
        if (detail > 31) throw new DecodeException("coap: Code detail must be 00-31");
        return (Integer.parseInt(m.group(1)) << 5) | detail;
    }

    public static String format(int code) {
        return (code >>> 5) + "." + String.format("%02d", code & 0x1F);
    }
}
