package com.proxylity.packetsource.core.format.coap;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One option instance (RFC 7252 section 3.1/5.4): its number and its raw value bytes. The value
 * array is copied in and out so a message stays immutable.
 */
public record CoapOption(int number, byte[] value) {
    public CoapOption {
        if (number < 0 || number > CoapMessage.MAX_OPTION_NUMBER) {
            throw new IllegalArgumentException("option number out of range: " + number);
        }
        value = value == null ? new byte[0] : value.clone();
    }

    @Override public byte[] value() { return value.clone(); }

    int length() { return value.length; }

    byte[] valueUnsafe() { return value; }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoapOption other && other.number == number && Arrays.equals(other.value, value);
    }

    @Override public int hashCode() { return 31 * number + Arrays.hashCode(value); }

    @Override public String toString() { return "CoapOption[" + number + "=" + HexFormat.of().formatHex(value) + "]"; }
}
