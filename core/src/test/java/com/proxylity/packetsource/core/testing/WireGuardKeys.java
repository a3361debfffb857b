package com.proxylity.packetsource.core.testing;

import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A WireGuard static key pair in the wire format {@code wg} uses: base64 of the 32-byte clamped
 * X25519 private key and of its public key. Test keys only; never log them.
 */
public record WireGuardKeys(String privateKey, String publicKey) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static WireGuardKeys generate() {
        byte[] priv = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(RANDOM, priv); // clamps, as `wg genkey` does
        return fromPrivate(priv);
    }

    public static WireGuardKeys fromPrivate(byte[] priv) {
        byte[] pub = new byte[X25519.POINT_SIZE];
        X25519.generatePublicKey(priv, 0, pub, 0);
        Base64.Encoder b64 = Base64.getEncoder();
        return new WireGuardKeys(b64.encodeToString(priv), b64.encodeToString(pub));
    }

    public byte[] privateKeyBytes() {
        return Base64.getDecoder().decode(privateKey);
    }

    public byte[] publicKeyBytes() {
        return Base64.getDecoder().decode(publicKey);
    }

    @Override
    public String toString() {
        return "WireGuardKeys[publicKey=" + publicKey + "]"; // keeps the private half out of test logs
    }
}
