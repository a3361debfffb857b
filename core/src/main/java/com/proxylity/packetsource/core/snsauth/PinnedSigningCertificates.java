package com.proxylity.packetsource.core.snsauth;

import java.security.cert.X509Certificate;
import java.util.Map;

/**
 * Trusts exactly the given certificates, each only under its own URL; nothing is fetched. For
 * local mode (the local SNS's own certificate) and tests (a committed test key): never wired
 * into the deployed handlers.
 */
public final class PinnedSigningCertificates implements SigningCertificateSource {
    private final Map<String, X509Certificate> byUrl;

    public PinnedSigningCertificates(Map<String, X509Certificate> byUrl) {
        this.byUrl = Map.copyOf(byUrl);
    }

    public static PinnedSigningCertificates of(String url, X509Certificate certificate) {
        return new PinnedSigningCertificates(Map.of(url, certificate));
    }

    @Override
    public X509Certificate certificate(String signingCertUrl) throws BadSignatureException {
        X509Certificate c = signingCertUrl == null ? null : byUrl.get(signingCertUrl);
        if (c == null) throw new BadSignatureException("SigningCertURL is not a trusted certificate");
        return c;
    }
}
