package com.proxylity.packetsource.core.wireguard;

import com.proxylity.packetsource.core.wireguard.crypto.X25519Keys;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import java.math.BigInteger;
import java.util.Random;

/** One X25519 agreement: BouncyCastle (what the engine uses) vs the JDK's XDH, same run. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Thread)
public class WireGuardX25519Benchmark {
    private byte[] priv;
    private byte[] pub;
    private KeyAgreement jdk;
    private KeyPair jdkPair;
    private PublicKey jdkPeer;

    @Setup
    public void setUp() throws Exception {
        Random r = new Random(1);
        priv = X25519Keys.generatePrivateKey(r::nextBytes);
        pub = X25519Keys.publicKey(X25519Keys.generatePrivateKey(r::nextBytes));
        KeyPairGenerator g = KeyPairGenerator.getInstance("X25519");
        jdkPair = g.generateKeyPair();
        byte[] le = pub.clone();
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) be[i] = le[31 - i];
        jdkPeer = KeyFactory.getInstance("XDH").generatePublic(
                new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, be)));
        jdk = KeyAgreement.getInstance("XDH");
    }

    @Benchmark
    public byte[] bouncyCastle() {
        return X25519Keys.dh(priv, pub);
    }

    @Benchmark
    public byte[] jdkXdh() throws Exception {
        jdk.init(jdkPair.getPrivate());
        jdk.doPhase(jdkPeer, true);
        return jdk.generateSecret();
    }
}
