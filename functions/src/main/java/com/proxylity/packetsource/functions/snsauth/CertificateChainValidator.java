package com.proxylity.packetsource.functions.snsauth;

import com.proxylity.packetsource.core.snsauth.BadSignatureException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Decides whether a fetched certificate is SNS's: it chains (PKIX) to a root of the JDK's
 * default trust store, is valid now, and names SNS. SNS's certificates name
 * {@code sns.amazonaws.com} (subject CN and the only DNS SAN, us-west-2 in 2026, issued by
 * Amazon RSA 2048 M01); a regional {@code sns.<region>.amazonaws.com[.cn]} of the URL's own
 * region is accepted too. The served PEM holds the leaf only, so Amazon's intermediates ship
 * with the code ({@code snsauth/amazon-intermediates.pem}), beside any the PEM brings.
 * Revocation is not checked: it would be more fetches per cold start, and the URL's host
 * already limits where a certificate can come from.
 */
public final class CertificateChainValidator {
    private static final String INTERMEDIATES = "/snsauth/amazon-intermediates.pem";
    /** A SNS certificate is one leaf; a longer PEM is not SNS's. */
    private static final int MAX_CERTIFICATES = 4;

    private final Set<TrustAnchor> anchors;
    private final List<X509Certificate> intermediates;
    private final Clock clock;

    public CertificateChainValidator(Set<TrustAnchor> anchors, List<X509Certificate> intermediates, Clock clock) {
        this.anchors = Set.copyOf(anchors);
        this.intermediates = List.copyOf(intermediates);
        this.clock = clock;
    }

    /** The JDK's default trust store and Amazon's intermediates: production. */
    public static CertificateChainValidator jdkDefault(Clock clock) {
        return new CertificateChainValidator(defaultAnchors(), bundledIntermediates(), clock);
    }

    /**
     * @param region the region of the URL's host, or null
     * @return the leaf, trusted
     */
    public X509Certificate validate(byte[] pem, String region) throws BadSignatureException {
        List<X509Certificate> certs = parse(pem);
        X509Certificate leaf = certs.get(0);
        Date now = Date.from(clock.instant());
        try {
            leaf.checkValidity(now);
        } catch (GeneralSecurityException e) {
            throw new BadSignatureException("signing certificate is not valid now");
        }
        if (!namesSns(leaf, region)) throw new BadSignatureException("signing certificate does not name SNS");
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            List<X509Certificate> store = new ArrayList<>(intermediates);
            store.addAll(certs);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
            params.setRevocationEnabled(false);
            params.setDate(now);
            CertPathBuilder.getInstance("PKIX").build(params);
        } catch (GeneralSecurityException e) {
            throw new BadSignatureException("signing certificate does not chain to a trusted root");
        }
        return leaf;
    }

    static boolean namesSns(X509Certificate leaf, String region) {
        Set<String> accepted = new HashSet<>();
        accepted.add("sns.amazonaws.com");
        if (region != null) {
            accepted.add("sns." + region + ".amazonaws.com");
            accepted.add("sns." + region + ".amazonaws.com.cn");
        }
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) names.add(String.valueOf(san.get(1)));
                }
            }
        } catch (GeneralSecurityException e) {
            return false;
        }
        // RFC 6125: the CN counts only when there are no DNS names.
        if (names.isEmpty()) names.addAll(commonNames(leaf));
        for (String n : names) {
            if (accepted.contains(n.toLowerCase(Locale.ROOT))) return true;
        }
        return false;
    }

    private static List<String> commonNames(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) out.add(String.valueOf(rdn.getValue()));
            }
        } catch (InvalidNameException e) {
            return List.of();
        }
        return out;
    }

    private static List<X509Certificate> parse(byte[] pem) throws BadSignatureException {
        Collection<? extends Certificate> all;
        try {
            all = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new BadSignatureException("signing certificate is not an X.509 certificate");
        }
        if (all.isEmpty() || all.size() > MAX_CERTIFICATES) {
            throw new BadSignatureException("signing certificate URL does not hold one certificate");
        }
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : all) out.add((X509Certificate) c);
        return out;
    }

    static Set<TrustAnchor> defaultAnchors() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            Set<TrustAnchor> out = new HashSet<>();
            for (var tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) out.add(new TrustAnchor(c, null));
                }
            }
            if (out.isEmpty()) throw new IllegalStateException("the JDK's default trust store is empty");
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's default trust store is unreadable", e);
        }
    }

    static List<X509Certificate> bundledIntermediates() {
        try (InputStream in = CertificateChainValidator.class.getResourceAsStream(INTERMEDIATES)) {
            if (in == null) throw new IllegalStateException(INTERMEDIATES + " is missing");
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(INTERMEDIATES + " is unreadable", e);
        }
    }
}
