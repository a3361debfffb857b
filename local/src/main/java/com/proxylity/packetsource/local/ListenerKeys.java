package com.proxylity.packetsource.local;

import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** X25519 static keys for WireGuard Listeners: given in the config, or generated per run. */
public final class ListenerKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ListenerKeys() {}

    public static byte[] generatePrivate() {
        byte[] k = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(RANDOM, k);
        return k;
    }

    public static byte[] parsePrivate(String base64, String listener) {
        byte[] k;
        try {
            k = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("listener " + listener + ": privateKey is not base64");
        }
        if (k.length != X25519.SCALAR_SIZE) {
            throw new IllegalArgumentException("listener " + listener + ": privateKey must be 32 bytes");
        }
        return k;
    }

    public static String publicKey(byte[] privateKey) {
        byte[] pub = new byte[X25519.POINT_SIZE];
        X25519.generatePublicKey(privateKey, 0, pub, 0);
        return Base64.getEncoder().encodeToString(pub);
    }
}
