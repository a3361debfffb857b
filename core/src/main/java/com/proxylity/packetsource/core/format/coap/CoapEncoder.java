package com.proxylity.packetsource.core.format.coap;

import com.proxylity.packetsource.core.format.DecodeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Binary encoding of a {@link CoapMessage} per RFC 7252 section 3. Options are sorted by number
 * with a stable sort, so repeated options (Uri-Path, Uri-Query, ...) keep the order the customer
 * wrote, then delta-encoded. Stateless.
 */
public final class CoapEncoder {
    /** Option Delta/Length nibble values 0-12 are literal (section 3.1). */
    static final int MAX_INLINE = 12;
    /** Nibble 13: one extension byte holding the value minus 13. */
    static final int EXT8_NIBBLE = 13, EXT8_BIAS = 13;
    /** Nibble 14: two extension bytes (network order) holding the value minus 269. */
    static final int EXT16_NIBBLE = 14, EXT16_BIAS = 269;
    /** Largest delta or length the extended forms can carry: 65535 + 269. */
    static final int MAX_EXTENDED = 0xFFFF + EXT16_BIAS;

    private static final Comparator<CoapOption> BY_NUMBER = Comparator.comparingInt(CoapOption::number);

    private CoapEncoder() {}

    public static byte[] encode(CoapMessage message) throws DecodeException {
        if (message.options().size() > CoapMessage.MAX_OPTIONS) {
            throw new DecodeException("coap: more than " + CoapMessage.MAX_OPTIONS + " options");
        }
        if (message.code() == 0 && (message.tokenUnsafe().length > 0 || !message.options().isEmpty()
                || message.payloadUnsafe().length > 0)) {
            // Section 4.1: an Empty message (0.00) is the 4-byte header only.
            throw new DecodeException("coap: Code 0.00 (Empty) must have no Token, Options or Payload");
        }
        for (CoapOption option : message.options()) CoapOptionRules.check(option);
        List<CoapOption> sorted = new ArrayList<>(message.options());
        sorted.sort(BY_NUMBER); // List.sort is stable (TimSort)

        long size = 4L + message.tokenUnsafe().length;
        int previous = 0;
        for (CoapOption option : sorted) {
            size += 1 + extensionBytes(option.number() - previous) + extensionBytes(option.length()) + option.length();
            previous = option.number();
        }
        byte[] payload = message.payloadUnsafe();
        if (payload.length > 0) size += 1 + payload.length;
        if (size > CoapMessage.MAX_ENCODED_SIZE) {
            throw new DecodeException("coap: encoded message is " + size + " bytes, above the "
                    + CoapMessage.MAX_ENCODED_SIZE + "-byte limit");
        }

        byte[] out = new byte[(int) size];
        byte[] token = message.tokenUnsafe();
        out[0] = (byte) ((CoapMessage.VERSION << 6) | (message.type() << 4) | token.length);
        out[1] = (byte) message.code();
        out[2] = (byte) (message.messageId() >>> 8);
        out[3] = (byte) message.messageId();
        System.arraycopy(token, 0, out, 4, token.length);
        int pos = 4 + token.length;
        previous = 0;
        for (CoapOption option : sorted) {
            int delta = option.number() - previous;
            int length = option.length();
            out[pos++] = (byte) ((nibble(delta) << 4) | nibble(length));
            pos = writeExtension(out, pos, delta);
            pos = writeExtension(out, pos, length);
            System.arraycopy(option.valueUnsafe(), 0, out, pos, length);
            pos += length;
            previous = option.number();
        }
        if (payload.length > 0) {
            // Section 3: the marker is present only when a payload follows.
            out[pos++] = (byte) CoapMessage.PAYLOAD_MARKER;
            System.arraycopy(payload, 0, out, pos, payload.length);
        }
        return out;
    }

    /** The 4-bit field for a delta or length; never 15, which is reserved for the payload marker. */
    static int nibble(int value) throws DecodeException {
        checkEncodable(value);
        if (value <= MAX_INLINE) return value;
        return value < EXT16_BIAS ? EXT8_NIBBLE : EXT16_NIBBLE;
    }

    static int extensionBytes(int value) throws DecodeException {
        checkEncodable(value);
        if (value <= MAX_INLINE) return 0;
        return value < EXT16_BIAS ? 1 : 2;
    }

    private static int writeExtension(byte[] out, int pos, int value) {
        if (value <= MAX_INLINE) return pos;
        if (value < EXT16_BIAS) {
            out[pos] = (byte) (value - EXT8_BIAS);
            return pos + 1;
        }
        int ext = value - EXT16_BIAS;
        out[pos] = (byte) (ext >>> 8);
        out[pos + 1] = (byte) ext;
        return pos + 2;
    }

    private static void checkEncodable(int value) throws DecodeException {
        if (value < 0 || value > MAX_EXTENDED) {
            throw new DecodeException("coap: option delta/length " + value + " cannot be encoded (0-" + MAX_EXTENDED + ")");
        }
    }
}
