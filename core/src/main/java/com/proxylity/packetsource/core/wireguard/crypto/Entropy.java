package com.proxylity.packetsource.core.wireguard.crypto;

import java.security.SecureRandom;

/** Where ephemeral keys, indices and cookie secrets come from; injectable so tests are repeatable. */
@FunctionalInterface
public interface Entropy {
    void nextBytes(byte[] out);

    static Entropy secure() {
        SecureRandom r = new SecureRandom();
        return r::nextBytes;
    }
}
