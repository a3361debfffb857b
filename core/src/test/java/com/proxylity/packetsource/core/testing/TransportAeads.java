package com.proxylity.packetsource.core.testing;

import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * The transport AEADs this runtime can use, for tests parameterized over them: libcrypto's only
 * on Java 22 or later (the sender module runs such tests again on the image's Java).
 */
public final class TransportAeads {
    private TransportAeads() {
    }

    public static Stream<ChaChaPoly> usable() {
        return Arrays.stream(ChaChaPoly.values())
                .filter(a -> a != ChaChaPoly.OPENSSL || ChaChaPoly.nativeUnavailable() == null);
    }
}
