package com.proxylity.packetsource.core.snsauth;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * Verifies an SNS envelope's signature (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) over
 * {@link StringToSign}, with the certificate its {@code SigningCertURL} names, as the
 * {@link SigningCertificateSource} vouches for it. Every content problem is a
 * {@link BadSignatureException}; only the source's transient failures escape as runtime
 * exceptions.
 */
public final class SnsSignatureVerifier implements EnvelopeVerifier {
    /** RSA-4096 signatures are 512 bytes; anything far longer is not a signature. */
    private static final int MAX_SIGNATURE_CHARS = 1024;

    private final SigningCertificateSource certificates;

    public SnsSignatureVerifier(SigningCertificateSource certificates) {
        this.certificates = certificates;
    }

    @Override
    public EnvelopeVerifier forBatch() {
        SigningCertificateSource batch = certificates.forBatch();
        return batch == certificates ? this : new SnsSignatureVerifier(batch);
    }

    @Override
    public void verify(JsonNode envelope) throws BadSignatureException {
        // The string to sign first: a raw-delivered body fails here, before any certificate work.
        byte[] signed = StringToSign.of(envelope);
        SignatureVersion version = SignatureVersion.of(StringToSign.text(envelope, "SignatureVersion"));
        byte[] signature = decode(StringToSign.text(envelope, "Signature"));
        String url = StringToSign.text(envelope, "SigningCertURL");
        if (url == null) throw new BadSignatureException("no SigningCertURL");
        PublicKey key = certificates.certificate(url).getPublicKey();
        if (!verifies(version, key, signed, signature)) {
            throw new BadSignatureException("signature does not match the envelope");
        }
    }

    /** Pure: does {@code signature} sign {@code signed} under {@code key} with this version's algorithm. */
    public static boolean verifies(SignatureVersion version, PublicKey key, byte[] signed, byte[] signature) {
        try {
            Signature s = Signature.getInstance(version.algorithm());
            s.initVerify(key);
            s.update(signed);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // A key of the wrong type or a malformed signature is a forgery, not an outage.
            return false;
        }
    }

    private static byte[] decode(String signature) throws BadSignatureException {
        if (signature == null || signature.isEmpty()) throw new BadSignatureException("no Signature");
        if (signature.length() > MAX_SIGNATURE_CHARS) throw new BadSignatureException("Signature is too long");
        try {
            return Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw new BadSignatureException("Signature is not base64");
        }
    }
}
