package com.proxylity.packetsource.core.wireguard;

import com.proxylity.packetsource.core.wireguard.crypto.Entropy;
import java.util.Random;

/** Deterministic keys and entropy for repeatable tests (never for production). */
public final class WireGuardTestKeys {
    private WireGuardTestKeys() {}

    public static Entropy seeded(long seed) {
        Random r = new Random(seed);
        return r::nextBytes;
    }

    public static byte[] key(int fill) {
        byte[] k = new byte[32];
        for (int i = 0; i < 32; i++) k[i] = (byte) (fill + i);
        return k;
    }
}
