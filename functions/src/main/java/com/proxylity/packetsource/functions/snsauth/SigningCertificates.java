package com.proxylity.packetsource.functions.snsauth;

import com.proxylity.packetsource.core.snsauth.BadSignatureException;
import com.proxylity.packetsource.core.snsauth.SigningCertUrl;
import com.proxylity.packetsource.core.snsauth.SigningCertificateSource;
import com.proxylity.packetsource.core.snsauth.SigningCertificateUnavailableException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Production's {@link SigningCertificateSource}: the URL must be SNS's
 * ({@link SigningCertUrl}), the certificate is fetched ({@link CertificateFetcher}) and must be
 * SNS's ({@link CertificateChainValidator}). Verdicts are cached per URL, refusals too, so a
 * warm function fetches each certificate about once. The URL comes from the record, so every
 * bound is against a flood of distinct URLs: the cache holds at most {@code maxEntries} (least
 * recently used go first) for at most {@code ttl} (refusals {@code refusalTtl}), and one batch
 * fetches at most {@code fetchesPerBatch} certificates; beyond that the batch is retried, and by
 * then the verdicts already fetched are cached.
 */
public final class SigningCertificates implements SigningCertificateSource {
    /** Checks a URL and names its region (null if none); production's is {@link #SNS_URLS}. */
    public interface UrlPolicy {
        URI check(String url) throws BadSignatureException;
    }

    public static final UrlPolicy SNS_URLS = SigningCertUrl::check;

    public record Bounds(int maxEntries, Duration ttl, Duration refusalTtl, int fetchesPerBatch) {
        /** A deployment sees a handful of SNS certificates (one per region a topic is in). */
        public static final Bounds DEFAULT = new Bounds(64, Duration.ofHours(1), Duration.ofMinutes(5), 3);
    }

    private record Verdict(X509Certificate certificate, String refusal, Instant until) {}

    private final UrlPolicy urls;
    private final CertificateFetcher fetcher;
    private final CertificateChainValidator validator;
    private final Bounds bounds;
    private final Clock clock;
    private final Map<String, Verdict> cache;

    public SigningCertificates(UrlPolicy urls, CertificateFetcher fetcher, CertificateChainValidator validator,
                               Bounds bounds, Clock clock) {
        this.urls = urls;
        this.fetcher = fetcher;
        this.validator = validator;
        this.bounds = bounds;
        this.clock = clock;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Verdict> eldest) {
                return size() > bounds.maxEntries();
            }
        };
    }

    /** What the deployed Validate uses: SNS's URLs only, the JDK's trust store. */
    public static SigningCertificates production(Duration fetchTimeout) {
        Clock clock = Clock.systemUTC();
        return new SigningCertificates(SNS_URLS, new CertificateFetcher(fetchTimeout, CertificateFetcher.DEFAULT_MAX_BYTES),
                CertificateChainValidator.jdkDefault(clock), Bounds.DEFAULT, clock);
    }

    @Override
    public SigningCertificateSource forBatch() {
        return new Batch();
    }

    /** Outside a batch every call may fetch once; the pipeline always goes through {@link #forBatch()}. */
    @Override
    public X509Certificate certificate(String signingCertUrl) throws BadSignatureException {
        return new Batch().certificate(signingCertUrl);
    }

    /** How many verdicts are cached now (for tests of the bound). */
    public synchronized int cached() {
        return cache.size();
    }

    private synchronized Verdict cachedVerdict(String url, Instant now) {
        Verdict v = cache.get(url);
        if (v != null && !now.isBefore(v.until())) {
            cache.remove(url);
            return null;
        }
        return v;
    }

    private synchronized void remember(String url, Verdict v) {
        cache.put(url, v);
    }

    private final class Batch implements SigningCertificateSource {
        private int fetches;

        @Override
        public X509Certificate certificate(String signingCertUrl) throws BadSignatureException {
            URI url = urls.check(signingCertUrl);
            Instant now = clock.instant();
            Verdict v = cachedVerdict(signingCertUrl, now);
            if (v != null) {
                if (v.certificate() != null) return v.certificate();
                throw new BadSignatureException(v.refusal());
            }
            if (fetches >= bounds.fetchesPerBatch()) {
                throw new SigningCertificateUnavailableException("more than " + bounds.fetchesPerBatch()
                        + " new signing certificates in one batch", null);
            }
            fetches++;
            try {
                X509Certificate c = validator.validate(fetcher.fetch(url), SigningCertUrl.region(url));
                Instant until = now.plus(bounds.ttl());
                Instant expires = c.getNotAfter().toInstant();
                remember(signingCertUrl, new Verdict(c, null, until.isBefore(expires) ? until : expires));
                return c;
            } catch (BadSignatureException e) {
                remember(signingCertUrl, new Verdict(null, e.getMessage(), now.plus(bounds.refusalTtl())));
                throw e;
            }
        }
    }
}
