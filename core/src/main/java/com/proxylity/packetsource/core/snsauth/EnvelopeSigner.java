package com.proxylity.packetsource.core.snsauth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

/**
 * Signs an envelope the way SNS does, for the local SNS (its per-run key) and for tests (a
 * committed test key). Production never signs: it only verifies SNS's signatures.
 */
public final class EnvelopeSigner {
    private final PrivateKey key;
    private final SignatureVersion version;
    private final String certificateUrl;

    public EnvelopeSigner(PrivateKey key, SignatureVersion version, String certificateUrl) {
        this.key = key;
        this.version = version;
        this.certificateUrl = certificateUrl;
    }

    /** Sets {@code SignatureVersion}, {@code SigningCertURL} and {@code Signature} on the envelope. */
    public ObjectNode sign(ObjectNode envelope) {
        envelope.put("SignatureVersion", version.text());
        envelope.put("SigningCertURL", certificateUrl);
        try {
            Signature s = Signature.getInstance(version.algorithm());
            s.initSign(key);
            s.update(StringToSign.of(envelope));
            envelope.put("Signature", Base64.getEncoder().encodeToString(s.sign()));
        } catch (GeneralSecurityException | BadSignatureException e) {
            throw new IllegalArgumentException("cannot sign this envelope: " + e.getMessage(), e);
        }
        return envelope;
    }

    public String certificateUrl() {
        return certificateUrl;
    }
}
