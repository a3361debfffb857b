package com.proxylity.packetsource.sender.wg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Which AEAD seals on the runtime the sender's tests run on: on Java 17 libcrypto must step aside
 * for SunJCE; on the image's Java it must be in use (NativeSealOnImageJavaTest checks its bytes).
 */
class NativeSealTest {
    private static final boolean FFM = Runtime.version().feature() >= 22;

    private static byte[] key(int seed) {
        byte[] k = new byte[ChaChaPoly.KEY_LEN];
        new SplittableRandom(seed).nextBytes(k);
        return k;
    }

    @Test
    void theImagesJavaSealsWithLibcryptoAndJava17WithSunJce() {
        if (FFM) {
            assertNull(ChaChaPoly.nativeUnavailable(), "libcrypto.so.3 must be usable where the image's Java runs");
            assertEquals(ChaChaPoly.OPENSSL, ChaChaPoly.preferred());
        } else {
            assertNotNull(ChaChaPoly.nativeUnavailable());
            assertEquals(ChaChaPoly.JDK, ChaChaPoly.preferred());
            assertThrows(IllegalStateException.class, () -> ChaChaPoly.OPENSSL.newKey(key(1)));
            // Forced where it cannot work: refused when the engine is built, not at every handshake.
            System.setProperty("packetsource.wireguard.aead", "OPENSSL");
            try {
                assertThrows(IllegalStateException.class, ChaChaPoly::preferred);
            } finally {
                System.clearProperty("packetsource.wireguard.aead");
            }
        }
    }
}
