package com.proxylity.packetsource.core.format.coap;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A second, deliberately different reading of RFC 7252 section 3 (stream-based, written from
 * the RFC's figures rather than from the production decoder) so the fuzz round trip does not
 * compare the encoder only with its own mirror image. Returns null for anything that is not a
 * well-formed message.
 */
final class StrictCoapReader {
    private StrictCoapReader() {}

    static CoapMessage read(byte[] bytes) {
        if (bytes.length < 4 || bytes.length > CoapMessage.MAX_ENCODED_SIZE) return null;
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        int b0 = in.read();
        if (b0 >> 6 != 1) return null;                   // Ver MUST be 1
        int tkl = b0 & 0x0F;
        if (tkl > 8) return null;                        // 9-15 reserved, MUST be a format error
        int code = in.read();
        int mid = in.read() << 8 | in.read();
        byte[] token = take(in, tkl);
        if (token.length != tkl) return null;
        if (code == 0 && (tkl != 0 || in.available() > 0)) return null; // 4.1: Empty is header only
        List<CoapOption> options = new ArrayList<>();
        int number = 0;
        while (in.available() > 0) {
            int head = in.read();
            if (head == 0xFF) {
                if (in.available() == 0) return null;    // marker then zero-length payload: format error
                return new CoapMessage(b0 >> 4 & 3, code, mid, token, options, in.readAllBytes());
            }
            int delta = extend(head >> 4, in);
            int length = extend(head & 0x0F, in);
            if (delta < 0 || length < 0) return null;
            number += delta;
            if (number > 0xFFFF || options.size() == CoapMessage.MAX_OPTIONS) return null;
            byte[] value = take(in, length);
            if (value.length != length) return null;
            options.add(new CoapOption(number, value));
        }
        return new CoapMessage(b0 >> 4 & 3, code, mid, token, options, new byte[0]);
    }

    /** Section 3.1: 0-12 literal, 13 one more byte +13, 14 two more bytes +269, 15 reserved. */
    private static int extend(int nibble, ByteArrayInputStream in) {
        if (nibble < 13) return nibble;
        if (nibble == 13) return in.available() >= 1 ? in.read() + 13 : -1;
        if (nibble == 14) return in.available() >= 2 ? (in.read() << 8 | in.read()) + 269 : -1;
        return -1;
    }

    private static byte[] take(ByteArrayInputStream in, int n) {
        byte[] out = new byte[Math.min(n, in.available())];
        in.read(out, 0, out.length);
        return out;
    }

    /** The options in the order an encoder must put them: by number, equal numbers as given. */
    static List<CoapOption> wireOrder(List<CoapOption> options) {
        CoapOption[] sorted = options.toArray(new CoapOption[0]);
        Arrays.sort(sorted, (a, b) -> Integer.compare(a.number(), b.number())); // Arrays.sort on objects is stable
        return List.of(sorted);
    }
}
