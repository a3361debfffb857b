import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * What one ChaCha20-Poly1305 seal costs on this machine from Java 22+ (FFM), for the AEADs the
 * sender image could use: libcrypto's EVP calls (all four a packet needs, then leaving one out at a
 * time, to price each), libsodium's one-call AEAD, and SunJCE. Wall-clock ns per seal on one
 * thread, 5 s each; run on a quiet machine. Not built by Maven (it needs Java 22+):
 *   java --enable-native-access=ALL-UNNAMED benchmarks/native/AeadProbe.java 1420
 */
public class AeadProbe {
    private static final Linker LINKER = Linker.nativeLinker();

    public static void main(String[] args) throws Throwable {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 1420;
        Arena arena = Arena.global();
        MemorySegment key = arena.allocate(32);
        MemorySegment nonce = arena.allocate(12);
        MemorySegment buf = arena.allocate(size + 64);
        MemorySegment outLen = arena.allocate(8);

        SymbolLookup crypto = SymbolLookup.libraryLookup("libcrypto.so.3", arena);
        MethodHandle newCtx = handle(crypto, "EVP_CIPHER_CTX_new", FunctionDescriptor.of(JAVA_LONG));
        MethodHandle cipher = handle(crypto, "EVP_chacha20_poly1305", FunctionDescriptor.of(JAVA_LONG));
        MethodHandle init = handle(crypto, "EVP_CipherInit_ex",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT));
        MethodHandle update = handle(crypto, "EVP_EncryptUpdate",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT));
        MethodHandle finish = handle(crypto, "EVP_EncryptFinal_ex", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        MethodHandle ctrl = handle(crypto, "EVP_CIPHER_CTX_ctrl",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG));
        long ctx = (long) newCtx.invokeExact();
        check((int) init.invokeExact(ctx, (long) cipher.invokeExact(), 0L, key.address(), 0L, 1));
        for (String steps : new String[] {"init+update+final+tag", "update+final+tag", "init+update+tag", "init+update+final", "update"}) {
            boolean i = steps.contains("init"), f = steps.contains("final"), t = steps.contains("tag");
            double ns = nsPerSeal(n -> {
                nonce.set(JAVA_LONG_UNALIGNED, 4, n);
                if (i) check((int) init.invokeExact(ctx, 0L, 0L, 0L, nonce.address(), 1));
                check((int) update.invokeExact(ctx, buf.address(), outLen.address(), buf.address(), size));
                if (f) check((int) finish.invokeExact(ctx, buf.address() + size, outLen.address()));
                if (t) check((int) ctrl.invokeExact(ctx, 0x10, 16, buf.address() + size));
            });
            System.out.printf("libcrypto %-22s %d B: %5.0f ns%n", steps, size, ns);
        }

        try {
            SymbolLookup sodium = SymbolLookup.libraryLookup("libsodium.so.23", arena);
            MethodHandle sodiumInit = handle(sodium, "sodium_init", FunctionDescriptor.of(JAVA_INT));
            MethodHandle seal = handle(sodium, "crypto_aead_chacha20poly1305_ietf_encrypt_detached", FunctionDescriptor.of(JAVA_INT,
                    JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
            if ((int) sodiumInit.invokeExact() < 0) throw new IllegalStateException("sodium_init");
            double ns = nsPerSeal(n -> {
                nonce.set(JAVA_LONG_UNALIGNED, 4, n);
                if ((int) seal.invokeExact(buf.address(), buf.address() + size, 0L, buf.address(), (long) size,
                        0L, 0L, 0L, nonce.address(), key.address()) != 0) throw new IllegalStateException("libsodium seal");
            });
            System.out.printf("libsodium one call               %d B: %5.0f ns%n", size, ns);
        } catch (IllegalArgumentException noLibrary) {
            System.out.println("libsodium: " + noLibrary.getMessage());
        }

        Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
        SecretKeySpec jdkKey = new SecretKeySpec(new byte[32], "ChaCha20");
        byte[] in = new byte[size];
        byte[] out = new byte[size + 16];
        byte[] iv = new byte[12];
        double ns = nsPerSeal(n -> {
            for (int b = 0; b < 8; b++) iv[4 + b] = (byte) (n >>> (8 * b));
            jdk.init(Cipher.ENCRYPT_MODE, jdkKey, new IvParameterSpec(iv));
            jdk.doFinal(in, 0, size, out, 0);
        });
        System.out.printf("SunJCE init+doFinal              %d B: %5.0f ns%n", size, ns);
    }

    /** One seal with counter {@code n}. */
    private interface Seal {
        void seal(long n) throws Throwable;
    }

    /** Wall-clock ns per seal over 5 s, counters never repeated. */
    private static double nsPerSeal(Seal s) throws Throwable {
        long n = 0;
        long end = System.nanoTime() + 5_000_000_000L;
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
            for (int k = 0; k < 1000; k++) s.seal(n++);
        }
        return (System.nanoTime() - t0) / (double) n;
    }

    /** Critical: short calls that never call back into Java (as the sender's binding). */
    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(lib.find(name).orElseThrow(), d, Linker.Option.critical(false));
    }

    private static void check(int ok) {
        if (ok != 1) throw new IllegalStateException("libcrypto call failed");
    }
}
