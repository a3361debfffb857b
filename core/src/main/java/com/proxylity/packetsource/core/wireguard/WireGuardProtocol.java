package com.proxylity.packetsource.core.wireguard;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Constants of the WireGuard protocol under their names in the paper (sections 5 and 6) and in
 * wireguard-go's {@code device/constants.go}, in Java's constant case: {@code REJECT_AFTER_TIME}
 * is the paper's Reject-After-Time (prose and comments keep the paper's spelling). Times are in
 * nanoseconds because the engine is driven by a monotonic nanosecond clock.
 */
public final class WireGuardProtocol {
    private WireGuardProtocol() {}

    public static final byte[] CONSTRUCTION = ascii("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s");
    public static final byte[] IDENTIFIER = ascii("WireGuard v1 zx2c4 Jason@zx2c4.com");
    public static final byte[] LABEL_MAC1 = ascii("mac1----");
    public static final byte[] LABEL_COOKIE = ascii("cookie--");

    // Message types (first byte, followed by three reserved zero bytes).
    public static final int MESSAGE_INITIATION = 1;
    public static final int MESSAGE_RESPONSE = 2;
    public static final int MESSAGE_COOKIE_REPLY = 3;
    public static final int MESSAGE_TRANSPORT = 4;

    public static final int MESSAGE_INITIATION_SIZE = 148;
    public static final int MESSAGE_RESPONSE_SIZE = 92;
    public static final int MESSAGE_COOKIE_REPLY_SIZE = 64;
    /** type, reserved, receiver index, counter. */
    public static final int MESSAGE_TRANSPORT_HEADER_SIZE = 16;
    /** A keepalive: header plus the tag of an empty payload. */
    public static final int MESSAGE_KEEPALIVE_SIZE = MESSAGE_TRANSPORT_HEADER_SIZE + 16;
    public static final int MAX_SEGMENT_SIZE = 65_535;
    /** Largest inner packet a transport message can carry. */
    public static final int MAX_CONTENT_SIZE = MAX_SEGMENT_SIZE - MESSAGE_KEEPALIVE_SIZE;

    /** Rekey when a keypair has sent this many messages (the initiator's job; we never initiate). */
    public static final long REKEY_AFTER_MESSAGES = 1L << 60;
    /**
     * 2^64 - 2^13 - 1, an unsigned 64-bit value (negative as a Java long): compare with
     * {@link Long#compareUnsigned}. No counter at or above it is ever sent or accepted.
     */
    public static final long REJECT_AFTER_MESSAGES = -(1L << 13) - 1;
    public static final long REKEY_AFTER_TIME = TimeUnit.SECONDS.toNanos(120);
    public static final long REJECT_AFTER_TIME = TimeUnit.SECONDS.toNanos(180);
    public static final long REKEY_ATTEMPT_TIME = TimeUnit.SECONDS.toNanos(90);
    public static final long REKEY_TIMEOUT = TimeUnit.SECONDS.toNanos(5);
    public static final long KEEPALIVE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    public static final long COOKIE_REFRESH_TIME = TimeUnit.SECONDS.toNanos(120);
    /** At most one initiation per peer per 20 ms (wireguard-go's HandshakeInitationRate). */
    public static final long HANDSHAKE_INITIATION_RATE = TimeUnit.MILLISECONDS.toNanos(20);
    public static final int PADDING_MULTIPLE = 16;

    /** Bytes a sealed transport message takes for an inner packet of {@code innerLength}. */
    public static int sealedSize(int innerLength, int paddingMtu) {
        return MESSAGE_TRANSPORT_HEADER_SIZE + innerLength + paddingLength(innerLength, paddingMtu) + 16;
    }

    /**
     * Zero bytes appended before encryption: up to a multiple of 16, but never past the MTU
     * (as wireguard-go's calculatePaddingSize), so a full-MTU packet is not inflated.
     */
    public static int paddingLength(int innerLength, int paddingMtu) {
        int padded = (innerLength + PADDING_MULTIPLE - 1) & -PADDING_MULTIPLE;
        if (paddingMtu > 0 && padded > paddingMtu) padded = Math.max(innerLength, paddingMtu);
        return padded - innerLength;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
