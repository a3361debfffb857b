package com.proxylity.packetsource.core.testevents;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.snsauth.EnvelopeSigner;
import com.proxylity.packetsource.core.snsauth.EnvelopeVerifier;
import com.proxylity.packetsource.core.snsauth.PinnedSigningCertificates;
import com.proxylity.packetsource.core.snsauth.SignatureVersion;
import com.proxylity.packetsource.core.snsauth.SnsSignatureVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The committed test-only SNS signing key ({@code test-events/signing/}): test-events are signed
 * with it, and tests that write their own envelopes sign them with it, so the real verification
 * code runs in every pipeline test. Only tests trust it, and only under {@link #CERT_URL}.
 */
public final class TestSigning {
    /** What test-events/generate.py writes as SigningCertURL; production would refuse the certificate behind it. */
    public static final String CERT_URL =
            "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-packet-source-test-key.pem";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TestSigning INSTANCE = load();

    private final PrivateKey key;
    private final X509Certificate certificate;

    private TestSigning(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    public static TestSigning get() {
        return INSTANCE;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return key;
    }

    /** Trusts the test certificate under {@link #CERT_URL} only. */
    public PinnedSigningCertificates certificates() {
        return PinnedSigningCertificates.of(CERT_URL, certificate);
    }

    /** The pipeline's real verifier, trusting the test key. */
    public EnvelopeVerifier verifier() {
        return new SnsSignatureVerifier(certificates());
    }

    public EnvelopeSigner signer(SignatureVersion version) {
        return new EnvelopeSigner(key, version, CERT_URL);
    }

    /** An SQS body: the envelope JSON with SignatureVersion 1 signature fields added. */
    public String sign(String envelopeJson) {
        return sign(envelopeJson, SignatureVersion.V1);
    }

    public String sign(String envelopeJson, SignatureVersion version) {
        try {
            ObjectNode env = (ObjectNode) MAPPER.readTree(envelopeJson);
            return MAPPER.writeValueAsString(signer(version).sign(env));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TestSigning load() {
        Path dir = TestEvents.load().dir().resolve("signing");
        try {
            String pem = Files.readString(dir.resolve("test-sns-key.pem"));
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            X509Certificate cert;
            try (InputStream in = Files.newInputStream(dir.resolve("test-sns-cert.pem"))) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            return new TestSigning(key, cert);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("test signing key unreadable", e);
        }
    }
}
