package com.proxylity.packetsource.local.sns;

import com.proxylity.packetsource.core.snsauth.BadSignatureException;
import com.proxylity.packetsource.core.snsauth.EnvelopeSigner;
import com.proxylity.packetsource.core.snsauth.SignatureVersion;
import com.proxylity.packetsource.core.snsauth.SigningCertificateSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;

/**
 * The local SNS's signing key: a fresh RSA key and self-signed certificate per run, so every
 * envelope local mode delivers is signed the way SNS signs (SignatureVersion 1, SNS's default)
 * and the pipeline's real verification runs locally too. The certificate is served on loopback
 * at {@link #CERT_PATH}; only local mode's verifier ({@link #trust()}) trusts it, by that exact
 * URL and this exact certificate. Nothing is written to disk.
 */
public final class LocalSigningKey {
    public static final String CERT_PATH = "/SimpleNotificationService-local.pem";

    private final KeyPair keys;
    private final X509Certificate certificate;
    private volatile String certificateUrl;

    private LocalSigningKey(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    public static LocalSigningKey generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair keys = g.generateKeyPair();
            return new LocalSigningKey(keys, selfSigned(keys));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make the local SNS signing key", e);
        }
    }

    /** Called once the local SNS listens: the certificate's URL is on its loopback endpoint. */
    public void bind(URI endpoint) {
        certificateUrl = endpoint.toString() + CERT_PATH;
    }

    public String certificateUrl() {
        return certificateUrl;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String pem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public EnvelopeSigner signer() {
        String url = certificateUrl;
        if (url == null) throw new IllegalStateException("the local SNS is not listening yet");
        return new EnvelopeSigner(keys.getPrivate(), SignatureVersion.V1, url);
    }

    /** Trusts this run's certificate under its loopback URL, and nothing else. */
    public SigningCertificateSource trust() {
        return url -> {
            String mine = certificateUrl;
            if (mine == null || !mine.equals(url)) {
                throw new BadSignatureException("SigningCertURL is not the local SNS's certificate");
            }
            return certificate;
        };
    }

    private static X509Certificate selfSigned(KeyPair keys) throws GeneralSecurityException, IOException {
        AlgorithmIdentifier alg = new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);
        X500Name name = new X500Name("CN=packet-source local SNS");
        Instant now = Instant.now();
        V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
        tbs.setSerialNumber(new ASN1Integer(new BigInteger(64, new SecureRandom())));
        tbs.setSignature(alg);
        tbs.setIssuer(name);
        tbs.setSubject(name);
        tbs.setStartDate(new Time(Date.from(now.minus(Duration.ofMinutes(5)))));
        tbs.setEndDate(new Time(Date.from(now.plus(Duration.ofDays(30)))));
        tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()));
        TBSCertificate t = tbs.generateTBSCertificate();
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(keys.getPrivate());
        s.update(t.getEncoded(ASN1Encoding.DER));
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(t);
        v.add(alg);
        v.add(new DERBitString(s.sign()));
        byte[] der = new DERSequence(v).getEncoded(ASN1Encoding.DER);
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }
}
