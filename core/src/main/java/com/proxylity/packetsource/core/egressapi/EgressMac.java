package com.proxylity.packetsource.core.egressapi;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 over {@code [keyId "\n"] timestamp "\n" nonce "\n" body}, the string both sides
 * sign. The key id is inside the MAC so a signature is bound to the key its request names.
 */
final class EgressMac {
    private final SecretKeySpec key;

    EgressMac(byte[] key) {
        if (key == null || key.length < EgressApi.MIN_KEY_BYTES) {
            throw new IllegalArgumentException("egress HMAC key must be at least "
                    + EgressApi.MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key, EgressApi.HMAC_ALGORITHM);
    }

    byte[] mac(String keyId, String timestamp, String nonce, byte[] body) {
        return start(keyId, timestamp, nonce).doFinal(body);
    }

    /** A MAC over the signed prefix, to be fed the body as it arrives and then finished. */
    Mac start(String keyId, String timestamp, String nonce) {
        Mac mac;
        try {
            // Mac is not thread-safe; one per request is cheap beside the whole batch a request carries.
            mac = Mac.getInstance(EgressApi.HMAC_ALGORITHM);
            mac.init(key);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + EgressApi.HMAC_ALGORITHM, e);
        }
        if (keyId != null) {
            mac.update(keyId.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '\n');
        }
        mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) '\n');
        mac.update(nonce.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) '\n');
        return mac;
    }
}
