package com.proxylity.packetsource.core.egressapi;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One shared key's MACs over a request, in either {@link EgressMacScheme}; fed the body as it
 * arrives. Thread-safe: every request gets its own running MAC.
 */
final class EgressMac {
    /** Starts the input of a Poly1305 request key; no HMAC-SHA256 signed string starts with 0x00. */
    private static final byte[] REQUEST_KEY_LABEL = "\0packet-source egress poly1305 request key".getBytes(StandardCharsets.US_ASCII);
    private static final String AEAD = "ChaCha20-Poly1305";
    /** The request key is used once, so a constant nonce is never repeated under it. */
    private static final byte[] AEAD_NONCE = new byte[12];

    private final SecretKeySpec key;

    EgressMac(byte[] key) {
        if (key == null || key.length < EgressApi.MIN_KEY_BYTES) {
            throw new IllegalArgumentException("egress HMAC key must be at least "
                    + EgressApi.MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key, EgressApi.HMAC_ALGORITHM);
    }

    /** A running MAC over a body, finished into the tag its scheme sends. */
    interface Running {
        void update(byte[] chunk, int offset, int length);

        byte[] finish();
    }

    byte[] mac(EgressMacScheme scheme, String keyId, String timestamp, String nonce, byte[] body) {
        Running r = start(scheme, keyId, timestamp, nonce);
        r.update(body, 0, body.length);
        return r.finish();
    }

    /** A MAC bound to the key id, timestamp and nonce, to be fed the body and finished. */
    Running start(EgressMacScheme scheme, String keyId, String timestamp, String nonce) {
        return switch (scheme) {
            case HMAC_SHA256 -> hmac(keyId, timestamp, nonce);
            case POLY1305 -> poly1305(keyId, timestamp, nonce);
        };
    }

    private Running hmac(String keyId, String timestamp, String nonce) {
        Mac mac = newHmac();
        if (keyId != null) {
            mac.update(keyId.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '\n');
        }
        mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) '\n');
        mac.update(nonce.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) '\n');
        return new Running() {
            @Override public void update(byte[] chunk, int offset, int length) { mac.update(chunk, offset, length); }
            @Override public byte[] finish() { return mac.doFinal(); }
        };
    }

    /**
     * The request key is HMAC-SHA256 over the label and the 0x00-separated key id, timestamp and
     * nonce (none of which may hold 0x00), so two requests share a key only if they share all
     * three; the body then goes once through Poly1305 as associated data.
     */
    private Running poly1305(String keyId, String timestamp, String nonce) {
        Mac kdf = newHmac();
        kdf.update(REQUEST_KEY_LABEL);
        kdf.update((byte) 0);
        if (keyId != null) kdf.update(keyId.getBytes(StandardCharsets.US_ASCII));
        kdf.update((byte) 0);
        kdf.update(timestamp.getBytes(StandardCharsets.US_ASCII));
        kdf.update((byte) 0);
        kdf.update(nonce.getBytes(StandardCharsets.US_ASCII));
        byte[] requestKey = kdf.doFinal();
        Cipher aead;
        try {
            aead = Cipher.getInstance(AEAD);
            aead.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(requestKey, "ChaCha20"), new IvParameterSpec(AEAD_NONCE));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + AEAD, e);
        } finally {
            Arrays.fill(requestKey, (byte) 0);
        }
        return new Running() {
            @Override public void update(byte[] chunk, int offset, int length) { aead.updateAAD(chunk, offset, length); }

            @Override public byte[] finish() {
                try {
                    // No plaintext: what comes out is the 16-byte tag alone.
                    return aead.doFinal();
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private Mac newHmac() {
        try {
            // Mac is not thread-safe; one per request is cheap beside the whole batch a request carries.
            Mac mac = Mac.getInstance(EgressApi.HMAC_ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + EgressApi.HMAC_ALGORITHM, e);
        }
    }
}
