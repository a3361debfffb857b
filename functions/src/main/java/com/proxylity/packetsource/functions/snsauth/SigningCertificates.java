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
import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Production's {@link SigningCertificateSource}: the URL must be SNS's
 * ({@link SigningCertUrl}), the certificate is fetched ({@link CertificateFetcher}) and must be
 * SNS's ({@link CertificateChainValidator}). Verdicts are cached per URL, refusals too, so a
 * warm function fetches each certificate about once. The URL comes from the record, so every
 * bound is against a flood of distinct URLs: each cache holds at most {@code maxEntries} (least
 * recently used go first) for at most {@code ttl} (refusals {@code refusalTtl}); refusals are
 * kept apart, so a flood of made-up URLs cannot evict a trusted certificate; and one batch
 * fetches at most {@code fetchesPerBatch} certificates.
 *
 * <p>A fetch that cannot be made now fails the whole batch (it is retried), so nothing a
 * customer writes may cause one (docs/pipeline.md, "SNS signatures"): production accepts only
 * the SNS hosts of the served regions, where a made-up certificate name is a quick 404 (a
 * refusal, one record's {@code BadSignature}), and the per-batch bound is the Pipe's batch size,
 * which no batch can exceed since each record names one certificate.
 */
public final class SigningCertificates implements SigningCertificateSource {
    /** Checks a URL and names its region (null if none); production's is {@link #SNS_URLS}. */
    public interface UrlPolicy {
        URI check(String url) throws BadSignatureException;
    }

    public static final UrlPolicy SNS_URLS = SigningCertUrl::check;

    /** SNS's URLs whose region is one we serve: every host a record can name exists and answers. */
    public static UrlPolicy servedSnsUrls(Collection<String> servedRegions) {
        Set<String> served = Set.copyOf(servedRegions);
        return url -> {
            URI u = SigningCertUrl.check(url);
            if (!served.contains(SigningCertUrl.region(u))) {
                throw new BadSignatureException("SigningCertURL is not SNS's in a served region");
            }
            return u;
        };
    }

    /**
     * @param fetchesPerBatch at least the Pipe's batch size: a batch never needs more fetches
     *     than it has records
     */
    public record Bounds(int maxEntries, Duration ttl, Duration refusalTtl, int fetchesPerBatch) {
        /** A deployment sees a handful of SNS certificates (one per region a topic is in). */
        public static final Bounds DEFAULT = new Bounds(64, Duration.ofHours(1), Duration.ofMinutes(5),
                DeploymentNumbers.PIPE_BATCH_SIZE);
    }

    private record Verdict(X509Certificate certificate, String refusal, Instant until) {}

    private final UrlPolicy urls;
    private final CertificateFetcher fetcher;
    private final CertificateChainValidator validator;
    private final Bounds bounds;
    private final Clock clock;
    private final Map<String, Verdict> cache;
    private final Map<String, Verdict> refused;

    public SigningCertificates(UrlPolicy urls, CertificateFetcher fetcher, CertificateChainValidator validator,
                               Bounds bounds, Clock clock) {
        this.urls = urls;
        this.fetcher = fetcher;
        this.validator = validator;
        this.bounds = bounds;
        this.clock = clock;
        this.cache = lru(bounds.maxEntries());
        this.refused = lru(bounds.maxEntries());
    }

    private static Map<String, Verdict> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Verdict> eldest) {
                return size() > max;
            }
        };
    }

    /** What the deployed Validate uses: SNS's URLs of the served regions only, the JDK's trust store. */
    public static SigningCertificates production(Duration fetchTimeout, Collection<String> servedRegions) {
        Clock clock = Clock.systemUTC();
        return new SigningCertificates(servedSnsUrls(servedRegions),
                new CertificateFetcher(fetchTimeout, CertificateFetcher.DEFAULT_MAX_BYTES),
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

    /** How many verdicts are cached now, trusted and refused (for tests of the bound). */
    public synchronized int cached() {
        return cache.size() + refused.size();
    }

    /** How many trusted certificates are cached now. */
    public synchronized int trusted() {
        return cache.size();
    }

    private synchronized Verdict cachedVerdict(String url, Instant now) {
        for (Map<String, Verdict> m : List.of(cache, refused)) {
            Verdict v = m.get(url);
            if (v == null) continue;
            if (!now.isBefore(v.until())) {
                m.remove(url);
                return null;
            }
            return v;
        }
        return null;
    }

    private synchronized void remember(String url, Verdict v) {
        (v.certificate() != null ? cache : refused).put(url, v);
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
