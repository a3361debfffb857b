package com.proxylity.packetsource.core.wireguard.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The per-thread array SunJCE seals in holds ciphertext only: a seal the cipher refuses (a
 * repeated counter: SunJCE's own guard against nonce reuse) leaves no plaintext behind in memory
 * that lives as long as the event loop's thread, and nothing reaches {@code out}.
 */
class JdkAeadKeyScratchTest {

    @Test
    void aRefusedSealLeavesNoPlaintextInTheThreadsArrayAndWritesNothing() throws Exception {
        AeadKey key = ChaChaPoly.JDK.newKey(new byte[32]);
        byte[] secret = new byte[600];
        Arrays.fill(secret, (byte) 0x5A);
        ByteBuffer out = ByteBuffer.allocateDirect(1024);
        assertEquals(616, key.seal(7, ByteBuffer.wrap(secret), 0, out));
        out.clear();
        // The same counter again: the cipher refuses the nonce before sealing anything.
        assertThrows(IllegalStateException.class, () -> key.seal(7, ByteBuffer.wrap(secret), 0, out));
        assertEquals(0, out.position(), "a refused seal wrote into the datagram");
        byte[] scratch = scratch();
        int run = 0;
        for (byte b : scratch) {
            run = b == 0x5A ? run + 1 : 0;
            assertFalse(run >= 32, "the sealing array holds the refused packet's plaintext");
        }
    }

    private static byte[] scratch() throws Exception {
        Field state = JdkAeadKey.class.getDeclaredField("STATE");
        state.setAccessible(true);
        Object perThread = ((ThreadLocal<?>) state.get(null)).get();
        Field scratch = perThread.getClass().getDeclaredField("scratch");
        scratch.setAccessible(true);
        return (byte[]) scratch.get(perThread);
    }
}
