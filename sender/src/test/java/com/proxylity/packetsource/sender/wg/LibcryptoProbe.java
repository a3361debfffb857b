package com.proxylity.packetsource.sender.wg;

import com.proxylity.packetsource.core.wireguard.crypto.AeadKey;
import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Run in a JVM of its own (which libcrypto it binds is fixed per process): says what it chose,
 * and with the argument {@code seal-after-failure}, what a seal that libcrypto fails midway
 * leaves behind for the buffer and for the thread's next seal.
 */
public final class LibcryptoProbe {
    /** The plaintext + padding length the failing shim refuses to encrypt. */
    static final int FAILING_LENGTH = 555;

    private LibcryptoProbe() {
    }

    public static void main(String[] args) {
        System.out.println("preferred=" + ChaChaPoly.preferred());
        System.out.println("nativeUnavailable=" + ChaChaPoly.nativeUnavailable());
        if (args.length > 0 && args[0].equals("seal-after-failure")) sealAfterFailure();
    }

    private static void sealAfterFailure() {
        byte[] key = new byte[ChaChaPoly.KEY_LEN];
        Arrays.fill(key, (byte) 7);
        AeadKey ours = ChaChaPoly.OPENSSL.newKey(key);
        AeadKey theirs = ChaChaPoly.JDK.newKey(key);
        byte[] text = new byte[FAILING_LENGTH];
        Arrays.fill(text, (byte) 0x55);
        System.out.println("before=" + same(ours, theirs, 1, text, 100));
        ByteBuffer out = ByteBuffer.allocateDirect(FAILING_LENGTH + 16);
        ByteBuffer plain = ByteBuffer.wrap(text);
        try {
            ours.seal(2, plain, 0, out);
            System.out.println("failed=no");
        } catch (IllegalStateException e) {
            System.out.println("failed=yes");
        }
        System.out.println("outPosition=" + out.position());
        boolean zero = true;
        for (int i = 0; i < out.capacity(); i++) zero &= out.get(i) == 0;
        System.out.println("outZero=" + zero);
        System.out.println("after=" + same(ours, theirs, 3, text, 100));
    }

    private static boolean same(AeadKey ours, AeadKey theirs, long counter, byte[] text, int len) {
        ByteBuffer a = ByteBuffer.allocateDirect(len + 16);
        ByteBuffer b = ByteBuffer.allocate(len + 16);
        ours.seal(counter, ByteBuffer.wrap(text, 0, len), 0, a);
        theirs.seal(counter, ByteBuffer.wrap(text, 0, len), 0, b);
        return a.flip().equals(b.flip());
    }
}
