package com.proxylity.packetsource.core.format.coap;

import com.proxylity.packetsource.core.format.DecodeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses binary CoAP (RFC 7252 section 3) back into a {@link CoapMessage}; used to check the
 * encoder and to show what a dry run would send. Every malformed input is a DecodeException
 * (message format error), never a runtime exception.
 */
public final class CoapDecoder {
    private CoapDecoder() {}

    public static CoapMessage decode(byte[] bytes) throws DecodeException {
        if (bytes.length < 4) throw new DecodeException("coap: shorter than the 4-byte header");
        if (bytes.length > CoapMessage.MAX_ENCODED_SIZE) throw new DecodeException("coap: message too large");
        int first = bytes[0] & 0xFF;
        if ((first >>> 6) != CoapMessage.VERSION) throw new DecodeException("coap: version is not 1");
        int type = (first >>> 4) & 0x3;
        int tokenLength = first & 0xF;
        if (tokenLength > CoapMessage.MAX_TOKEN_LENGTH) throw new DecodeException("coap: reserved token length " + tokenLength);
        int code = bytes[1] & 0xFF;
        int messageId = ((bytes[2] & 0xFF) << 8) | (bytes[3] & 0xFF);
        int pos = 4;
        if (bytes.length < pos + tokenLength) throw new DecodeException("coap: truncated token");
        byte[] token = Arrays.copyOfRange(bytes, pos, pos + tokenLength);
        pos += tokenLength;

        List<CoapOption> options = new ArrayList<>();
        int number = 0;
        byte[] payload = new byte[0];
        while (pos < bytes.length) {
            int head = bytes[pos++] & 0xFF;
            if (head == CoapMessage.PAYLOAD_MARKER) {
                if (pos == bytes.length) throw new DecodeException("coap: payload marker without payload");
                payload = Arrays.copyOfRange(bytes, pos, bytes.length);
                break;
            }
            if (options.size() == CoapMessage.MAX_OPTIONS) throw new DecodeException("coap: too many options");
            int[] cursor = {pos};
            int delta = readExtended(bytes, cursor, head >>> 4);
            int length = readExtended(bytes, cursor, head & 0xF);
            pos = cursor[0];
            number += delta;
            if (number > CoapMessage.MAX_OPTION_NUMBER) throw new DecodeException("coap: option number above 65535");
            if (length > bytes.length - pos) throw new DecodeException("coap: truncated option value");
            options.add(new CoapOption(number, Arrays.copyOfRange(bytes, pos, pos + length)));
            pos += length;
        }
        if (code == 0 && bytes.length != 4) throw new DecodeException("coap: Empty message with trailing bytes");
        return new CoapMessage(type, code, messageId, token, options, payload);
    }

    private static int readExtended(byte[] bytes, int[] cursor, int nibble) throws DecodeException {
        int pos = cursor[0];
        switch (nibble) {
            case CoapEncoder.EXT8_NIBBLE -> {
                if (pos + 1 > bytes.length) throw new DecodeException("coap: truncated option header");
                cursor[0] = pos + 1;
                return (bytes[pos] & 0xFF) + CoapEncoder.EXT8_BIAS;
            }
            case CoapEncoder.EXT16_NIBBLE -> {
                if (pos + 2 > bytes.length) throw new DecodeException("coap: truncated option header");
                cursor[0] = pos + 2;
                return (((bytes[pos] & 0xFF) << 8) | (bytes[pos + 1] & 0xFF)) + CoapEncoder.EXT16_BIAS;
            }
            case 15 -> throw new DecodeException("coap: reserved nibble 15 in option header");
            default -> {
                return nibble;
            }
        }
    }
}
