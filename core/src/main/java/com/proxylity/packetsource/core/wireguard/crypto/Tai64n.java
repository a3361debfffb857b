package com.proxylity.packetsource.core.wireguard.crypto;

import java.util.Arrays;

/**
 * TAI64N timestamps (12 bytes: big-endian TAI seconds with the 2^62 label, then big-endian
 * nanoseconds). The responder only compares them: an initiation is accepted only if its timestamp
 * is greater than the last accepted one from that peer, which stops replayed initiations.
 */
public final class Tai64n {
    public static final int LEN = 12;
    /** 2^62 plus the 10 s TAI-UTC offset of 1972, as wireguard-go writes it. */
    private static final long BASE = 0x400000000000000AL;
    /**
     * Nanoseconds are rounded down to 2^24 ns (~16.8 ms), as wireguard-go does, so the timestamp
     * does not leak fine-grained clock information.
     */
    private static final int WHITENER_MASK = 0x1000000 - 1;

    private Tai64n() {}

    public static byte[] of(long epochSecond, int nanos) {
        byte[] t = new byte[LEN];
        long secs = BASE + epochSecond;
        for (int i = 0; i < 8; i++) t[i] = (byte) (secs >>> (56 - 8 * i));
        int n = nanos & ~WHITENER_MASK;
        for (int i = 0; i < 4; i++) t[8 + i] = (byte) (n >>> (24 - 8 * i));
        return t;
    }

    /** True when {@code candidate} is strictly later than {@code last} (null: nothing seen yet). */
    public static boolean isAfter(byte[] candidate, byte[] last) {
        if (last == null) return true;
        return Arrays.compareUnsigned(candidate, last) > 0;
    }
}
