package com.proxylity.packetsource.core.wireguard;

import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import com.proxylity.packetsource.core.wireguard.crypto.X25519Keys;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.XECPublicKey;
import java.util.Random;
import java.util.function.IntSupplier;
import javax.crypto.KeyAgreement;

/**
 * Paired measurement of engine seal vs bare AEAD, for a noisy shared machine: short blocks of
 * each alternate (order swapped every round), so load changes hit both sides alike; the result is
 * the median of the per-round ratios. Blocks are timed in thread CPU time. Complements the JMH figures, which run the two one after
 * the other. Usage: {@code java -cp <cp> ...WireGuardSealRatio [warmupSeconds] [rounds] [x25519 | compare A:B]}.
 */
public final class WireGuardSealRatio {
    private WireGuardSealRatio() {}

    public static void main(String[] args) throws Exception {
        long warmup = TimeUnit.SECONDS.toNanos(args.length > 0 ? Long.parseLong(args[0]) : 8);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        System.out.printf("java %s%n", Runtime.version());
        if (args.length > 2 && args[2].equals("x25519")) {
            compareX25519(warmup, rounds);
            return;
        }
        if (args.length > 3 && args[2].equals("compare")) {
            // One pair only ("OPENSSL:JDK"), in a JVM that ran nothing else first: whichever pair
            // runs later in one JVM reads lower (the JIT's profiles of the shared code are spent).
            String[] pair = args[3].split(":");
            compareImplementations(ChaChaPoly.valueOf(pair[0]), ChaChaPoly.valueOf(pair[1]), warmup, rounds);
            return;
        }
        System.out.printf("%-14s %5s %14s %14s %8s %8s%n", "aead", "size", "engine k/cpu-s", "bare k/cpu-s", "ratio", "p25-p75");
        for (ChaChaPoly aead : ChaChaPoly.values()) {
            if (aead == ChaChaPoly.OPENSSL && ChaChaPoly.nativeUnavailable() != null) {
                System.out.printf("%-14s unavailable: %s%n", aead, ChaChaPoly.nativeUnavailable());
                continue;
            }
            for (int size : new int[] {64, 512, 1420}) {
                SealFixture f = new SealFixture(aead, size);
                long end = System.nanoTime() + warmup;
                int sink = 0;
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 1000; i++) sink += f.engineSeal() + f.bareAead();
                }
                int batch = size >= 1000 ? 4000 : 10000;
                double[] ratios = new double[rounds];
                long engineNs = 0, bareNs = 0;
                for (int r = 0; r < rounds; r++) {
                    long e, b;
                    if ((r & 1) == 0) {
                        e = time(f, true, batch);
                        b = time(f, false, batch);
                    } else {
                        b = time(f, false, batch);
                        e = time(f, true, batch);
                    }
                    engineNs += e;
                    bareNs += b;
                    ratios[r] = (double) b / e; // engine throughput / bare throughput
                }
                Arrays.sort(ratios);
                System.out.printf("%-14s %5d %14.0f %14.0f %8.3f %4.2f-%4.2f%n", aead, size,
                        1e6 * batch * rounds / engineNs, 1e6 * batch * rounds / bareNs, ratios[rounds / 2],
                        ratios[rounds / 4], ratios[3 * rounds / 4]);
                if (sink == 42) System.out.print("");
            }
        }
        compareImplementations(ChaChaPoly.JDK, ChaChaPoly.BOUNCY_CASTLE, warmup, rounds);
    }

    /** The engine with one AEAD vs the engine with another, paired the same way, plus garbage per seal. */
    private static void compareImplementations(ChaChaPoly first, ChaChaPoly second, long warmup, int rounds) throws Exception {
        System.out.printf("%n%5s %14s %14s %14s %8s %8s%n", "size", first + " k/cpu-s", second + " k/cpu-s",
                "ratio median", first + " B/op", second + " B/op");
        for (int size : new int[] {64, 512, 1420}) {
            SealFixture jdk = new SealFixture(first, size);
            SealFixture bc = new SealFixture(second, size);
            long end = System.nanoTime() + warmup;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 1000; i++) {
                    jdk.engineSeal();
                    bc.engineSeal();
                }
            }
            int batch = size >= 1000 ? 4000 : 10000;
            double[] ratios = new double[rounds];
            long jNs = 0, bNs = 0;
            for (int r = 0; r < rounds; r++) {
                long j, b;
                if ((r & 1) == 0) {
                    j = time(jdk, true, batch);
                    b = time(bc, true, batch);
                } else {
                    b = time(bc, true, batch);
                    j = time(jdk, true, batch);
                }
                jNs += j;
                bNs += b;
                ratios[r] = (double) b / j;
            }
            Arrays.sort(ratios);
            System.out.printf("%5d %14.0f %14.0f %14.2f %8d %8d%n", size, 1e6 * batch * rounds / jNs, 1e6 * batch * rounds / bNs,
                    ratios[rounds / 2], allocatedPerSeal(jdk), allocatedPerSeal(bc));
        }
    }

    /** One X25519 agreement: BouncyCastle (the engine's) vs the JDK's XDH, paired, CPU time. */
    private static void compareX25519(long warmup, int rounds) throws Exception {
        Random r = new Random(1);
        byte[] priv = X25519Keys.generatePrivateKey(r::nextBytes);
        KeyPairGenerator g = KeyPairGenerator.getInstance("X25519");
        KeyPair mine = g.generateKeyPair();
        KeyPair theirs = g.generateKeyPair();
        byte[] theirsRaw = rawX25519(theirs.getPublic());
        KeyAgreement ka = KeyAgreement.getInstance("XDH");
        IntSupplier bc = () -> X25519Keys.dh(priv, theirsRaw)[0];
        IntSupplier jdk = () -> {
            try {
                ka.init(mine.getPrivate());
                ka.doPhase(theirs.getPublic(), true);
                return ka.generateSecret()[0];
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        };
        long end = System.nanoTime() + warmup;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) {
                bc.getAsInt();
                jdk.getAsInt();
            }
        }
        int batch = 500;
        double[] ratios = new double[rounds];
        long bNs = 0, jNs = 0;
        for (int round = 0; round < rounds; round++) {
            long b = cpu(bc, batch), j = cpu(jdk, batch);
            bNs += b;
            jNs += j;
            ratios[round] = (double) j / b;
        }
        Arrays.sort(ratios);
        System.out.printf("X25519: BouncyCastle %.1f k/cpu-s, JDK XDH %.1f k/cpu-s, BC/JDK median %.2f (p25-p75 %.2f-%.2f)%n",
                1e6 * batch * rounds / bNs, 1e6 * batch * rounds / jNs, ratios[rounds / 2], ratios[rounds / 4], ratios[3 * rounds / 4]);
    }

    private static long cpu(IntSupplier op, int n) {
        int sink = 0;
        long t0 = CPU.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) sink += op.getAsInt();
        long t = CPU.getCurrentThreadCpuTime() - t0;
        if (sink == 42) System.out.print("");
        return t;
    }

    /** The 32 little-endian bytes of a JDK X25519 public key. */
    private static byte[] rawX25519(PublicKey k) {
        BigInteger u = ((XECPublicKey) k).getU();
        byte[] be = u.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < Math.min(32, be.length); i++) le[i] = be[be.length - 1 - i];
        return le;
    }

    private static long allocatedPerSeal(SealFixture f) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int n = 20_000;
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < n; i++) f.engineSeal();
        return (mx.getThreadAllocatedBytes(tid) - before) / n;
    }

    /**
     * Thread CPU time, not wall time: on a shared machine this thread is descheduled often, and
     * wall time would charge those gaps to whichever side happened to be running.
     */
    private static final java.lang.management.ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private static long time(SealFixture f, boolean engine, int n) {
        int sink = 0;
        long t0 = CPU.getCurrentThreadCpuTime();
        if (engine) {
            for (int i = 0; i < n; i++) sink += f.engineSeal();
        } else {
            for (int i = 0; i < n; i++) sink += f.bareAead();
        }
        long t = CPU.getCurrentThreadCpuTime() - t0;
        if (sink == 42) System.out.print("");
        return t;
    }
}
