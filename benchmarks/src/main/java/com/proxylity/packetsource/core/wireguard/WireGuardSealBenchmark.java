package com.proxylity.packetsource.core.wireguard;

import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sealing one inner packet through {@link WireGuardListenerEngine#seal} (peer lookup, expiry
 * checks, counter, header, padding, AEAD) against the bare AEAD call of the same implementation
 * on the same bytes (init with the WireGuard nonce, encrypt plaintext + padding, tag) in the same
 * run. The ratio engine/bare is the overhead of the engine (goal >= 0.9).
 *
 * <p>It lives in the engine's package so {@link SealFixture} can complete a handshake with the
 * package-private initiator, as a client would, without a network. On a shared, loaded machine
 * prefer the paired {@link WireGuardSealRatio} for the ratio.
 *
 * <p>Run (see BENCHMARKS.md): {@code java -cp <classpath> org.openjdk.jmh.Main WireGuardSealBenchmark}.
 * SunJCE's ChaCha20 needs 6-8 s of warm-up before its code is compiled; shorter warm-ups measure
 * the interpreter.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Thread)
public class WireGuardSealBenchmark {
    @Param({"64", "512", "1420"})
    public int size;

    @Param({"JDK", "BOUNCY_CASTLE"})
    public ChaChaPoly aead;

    private SealFixture fixture;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new SealFixture(aead, size);
    }

    @Benchmark
    public int engineSeal() {
        return fixture.engineSeal();
    }

    @Benchmark
    public int bareAead() {
        return fixture.bareAead();
    }
}
