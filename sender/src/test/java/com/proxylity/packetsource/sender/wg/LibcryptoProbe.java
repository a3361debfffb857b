package com.proxylity.packetsource.sender.wg;

import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;

/** Run in a JVM of its own (which libcrypto it binds is fixed per process): says what it chose. */
public final class LibcryptoProbe {
    private LibcryptoProbe() {
    }

    public static void main(String[] args) {
        System.out.println("preferred=" + ChaChaPoly.preferred());
        System.out.println("nativeUnavailable=" + ChaChaPoly.nativeUnavailable());
    }
}
