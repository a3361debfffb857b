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
 *
 * <p>The Poly1305 form, in order (docs/sender.md#why-the-egress-mac-is-poly1305):
 * <ol>
 *   <li>a request key {@code K_r = HMAC(key, KEY_LABEL 0 keyId 0 timestamp 0 nonce)};</li>
 *   <li>the body through ChaCha20-Poly1305 under {@code K_r} as associated data, giving a
 *       16-byte Poly1305 tag {@code t};</li>
 *   <li>the tag sent: the first 16 bytes of {@code HMAC(key, TAG_LABEL 0 keyId 0 timestamp 0 nonce 0 t)}.</li>
 * </ol>
 * Step 3 keeps {@code t} itself off the wire, so even a client that reused a nonce for two
 * bodies would not reveal its Poly1305 key. Both labels start with 0x00, which no HMAC-form
 * signed string does, and no field may hold 0x00.
 */
final class EgressMac {
    private static final byte[] KEY_LABEL = ascii("\0packet-source egress poly1305 request key");
    private static final byte[] TAG_LABEL = ascii("\0packet-source egress poly1305 tag");
    private static final String AEAD = "ChaCha20-Poly1305";
    /** The request key is used once, so a constant nonce is never repeated under it. */
    private static final byte[] AEAD_NONCE = new byte[12];

    private final SecretKeySpec key;
    /** For the short HMACs of steps 1 and 3, done within one call: never shared by two requests. */
    private final ThreadLocal<Mac> shortMacs;

    EgressMac(byte[] key) {
        if (key == null || key.length < EgressApi.MIN_KEY_BYTES) {
            throw new IllegalArgumentException("egress key must be at least " + EgressApi.MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key, EgressApi.HMAC_ALGORITHM);
        this.shortMacs = ThreadLocal.withInitial(this::newHmac);
    }

    /** A running MAC over a body, finished into the tag its scheme sends. */
    interface Running {
        void update(byte[] chunk, int offset, int length);

        byte[] finish();
    }

    byte[] mac(EgressMacScheme scheme, String keyId, String timestamp, String nonce, byte[] body) {
        return mac(scheme, keyId, timestamp, nonce, body, 0, body.length);
    }

    byte[] mac(EgressMacScheme scheme, String keyId, String timestamp, String nonce, byte[] body, int offset, int length) {
        Running r = start(scheme, keyId, timestamp, nonce);
        r.update(body, offset, length);
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
        // Held while the body streams in, between other requests' chunks: one Mac of its own.
        Mac mac = newHmac();
        if (keyId != null) {
            mac.update(ascii(keyId));
            mac.update((byte) '\n');
        }
        mac.update(ascii(timestamp));
        mac.update((byte) '\n');
        mac.update(ascii(nonce));
        mac.update((byte) '\n');
        return new Running() {
            @Override public void update(byte[] chunk, int offset, int length) { mac.update(chunk, offset, length); }
            @Override public byte[] finish() { return mac.doFinal(); }
        };
    }

    private Running poly1305(String keyId, String timestamp, String nonce) {
        byte[] requestKey = bound(KEY_LABEL, keyId, timestamp, nonce).doFinal();
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
                byte[] polyTag;
                try {
                    // No plaintext: what comes out is the 16-byte tag alone.
                    polyTag = aead.doFinal();
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
                Mac out = bound(TAG_LABEL, keyId, timestamp, nonce);
                out.update((byte) 0);
                return Arrays.copyOf(out.doFinal(polyTag), EgressMacScheme.POLY1305.tagBytes());
            }
        };
    }

    /** This thread's short HMAC, fed {@code label 0 keyId 0 timestamp 0 nonce} (keyId empty when absent). */
    private Mac bound(byte[] label, String keyId, String timestamp, String nonce) {
        Mac m = shortMacs.get();
        m.reset(); // nothing a thrown call may have left behind reaches this request's MAC
        m.update(label);
        m.update((byte) 0);
        if (keyId != null) m.update(ascii(keyId));
        m.update((byte) 0);
        m.update(ascii(timestamp));
        m.update((byte) 0);
        m.update(ascii(nonce));
        return m;
    }

    private Mac newHmac() {
        try {
            Mac mac = Mac.getInstance(EgressApi.HMAC_ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + EgressApi.HMAC_ALGORITHM, e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
