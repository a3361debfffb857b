package com.proxylity.packetsource.functions.snsauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.snsauth.BadSignatureException;
import com.proxylity.packetsource.core.snsauth.SigningCertUrl;
import com.proxylity.packetsource.core.snsauth.SigningCertificateSource;
import com.proxylity.packetsource.core.snsauth.SigningCertificateUnavailableException;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The production certificate source over real HTTP on loopback: what is fetched, what is
 * retried, what is a discard, and that its cache and per-batch fetches stay bounded.
 */
class SigningCertificatesTest {
    /** The test certificates are valid for a century from when they were made. */
    static final Instant NOW = Instant.now();
    /** Loopback instead of SNS's host; everything else is production's path. */
    static final SigningCertificates.UrlPolicy LOOPBACK = url -> {
        URI u = URI.create(url);
        if (!"http".equals(u.getScheme()) || !"127.0.0.1".equals(u.getHost()) || !u.getPath().endsWith(".pem")) {
            throw new BadSignatureException("not a loopback .pem URL");
        }
        return u;
    };

    HttpServer server;
    final Map<String, byte[]> served = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    volatile int status = 200;
    volatile long delayMs;
    volatile String location;

    static byte[] resource(String name) throws IOException {
        try (InputStream in = SigningCertificatesTest.class.getResourceAsStream("/snsauth/" + name)) {
            return in.readAllBytes();
        }
    }

    static X509Certificate cert(String name) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(resource(name)));
    }

    static CertificateChainValidator testCa(Clock clock) throws Exception {
        return new CertificateChainValidator(Set.of(new TrustAnchor(cert("test-ca.pem"), null)), List.of(), clock);
    }

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            try {
                if (delayMs > 0) Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = served.get(exchange.getRequestURI().getPath());
            if (location != null) exchange.getResponseHeaders().add("Location", location);
            int code = body == null && status == 200 ? 404 : status;
            if (code != 200) body = new byte[0];
            exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        served.put("/sns.pem", resource("leaf-sns.pem"));
        served.put("/regional.pem", resource("leaf-regional.pem"));
        served.put("/evil.pem", resource("leaf-evil.pem"));
        served.put("/self.pem", resource("leaf-self-signed.pem"));
        served.put("/garbage.pem", "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n".getBytes());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    SigningCertificates source(SigningCertificates.Bounds bounds, Duration timeout) throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return new SigningCertificates(LOOPBACK, new CertificateFetcher(timeout, CertificateFetcher.DEFAULT_MAX_BYTES),
                testCa(clock), bounds, clock);
    }

    SigningCertificates source() throws Exception {
        return source(SigningCertificates.Bounds.DEFAULT, Duration.ofSeconds(2));
    }

    @Test
    void aTrustedCertificateIsFetchedOnceAndCached() throws Exception {
        SigningCertificates s = source();
        X509Certificate c = s.forBatch().certificate(url("/sns.pem"));
        assertEquals(cert("leaf-sns.pem"), c);
        assertSame(c, s.forBatch().certificate(url("/sns.pem")));
        assertEquals(1, requests.get());
    }

    @Test
    void aMissingCertificateIsADiscardAndItsRefusalIsCached() throws Exception {
        SigningCertificates s = source();
        assertThrows(BadSignatureException.class, () -> s.forBatch().certificate(url("/gone.pem")));
        assertThrows(BadSignatureException.class, () -> s.forBatch().certificate(url("/gone.pem")));
        assertEquals(1, requests.get());
        status = 403;
        assertThrows(BadSignatureException.class, () -> s.forBatch().certificate(url("/sns.pem")));
    }

    @Test
    void aTimeoutIsTransientAndRetriedNotCached() throws Exception {
        SigningCertificates s = source(SigningCertificates.Bounds.DEFAULT, Duration.ofMillis(300));
        delayMs = 2_000;
        assertThrows(SigningCertificateUnavailableException.class, () -> s.forBatch().certificate(url("/sns.pem")));
        delayMs = 0;
        assertEquals(cert("leaf-sns.pem"), s.forBatch().certificate(url("/sns.pem")));
    }

    @Test
    void serverErrorsAndRefusedConnectionsAreTransient() throws Exception {
        SigningCertificates s = source();
        for (int code : new int[] {500, 503, 429}) {
            status = code;
            assertThrows(SigningCertificateUnavailableException.class, () -> s.forBatch().certificate(url("/sns.pem")), "" + code);
        }
        status = 200;
        String closed = url("/sns.pem");
        server.stop(0);
        assertThrows(SigningCertificateUnavailableException.class, () -> s.forBatch().certificate(closed));
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        SigningCertificates s = source();
        status = 302;
        location = url("/sns.pem");
        assertThrows(BadSignatureException.class, () -> s.forBatch().certificate(url("/elsewhere.pem")));
        assertEquals(1, requests.get());
    }

    @Test
    void anOversizedBodyIsRefused() throws Exception {
        served.put("/big.pem", new byte[CertificateFetcher.DEFAULT_MAX_BYTES + 1]);
        SigningCertificates s = source();
        assertThrows(BadSignatureException.class, () -> s.forBatch().certificate(url("/big.pem")));
    }

    @Test
    void certificatesThatAreNotSnssAreRefused() throws Exception {
        SigningCertificates s = source();
        for (String p : new String[] {"/evil.pem", "/self.pem", "/garbage.pem"}) {
            assertThrows(BadSignatureException.class, () -> s.forBatch().certificate(url(p)), p);
        }
        // Issued to SNS's regional name, but the URL names no region: not accepted either.
        assertThrows(BadSignatureException.class, () -> s.forBatch().certificate(url("/regional.pem")));
    }

    @Test
    void aCertificateIsTrustedOnlyWhileValid() throws Exception {
        Clock later = Clock.fixed(Instant.parse("2200-01-01T00:00:00Z"), ZoneOffset.UTC);
        SigningCertificates s = new SigningCertificates(LOOPBACK, new CertificateFetcher(Duration.ofSeconds(2), 16_384),
                testCa(later), SigningCertificates.Bounds.DEFAULT, later);
        assertThrows(BadSignatureException.class, () -> s.forBatch().certificate(url("/sns.pem")));
    }

    @Test
    void urlsOutsideThePolicyAreNeverFetched() throws Exception {
        SigningCertificates s = source();
        assertThrows(BadSignatureException.class, () -> s.forBatch().certificate(
                "http://127.0.0.2:" + server.getAddress().getPort() + "/sns.pem"));
        assertThrows(BadSignatureException.class, () -> s.forBatch().certificate(url("/sns.crt")));
        assertEquals(0, requests.get());
        SigningCertificates production = SigningCertificates.production(Duration.ofMillis(100), List.of("us-east-1"));
        assertThrows(BadSignatureException.class, () -> production.forBatch().certificate(url("/sns.pem")));
        // SNS-shaped, but a region we do not serve (it need not exist, so a fetch could only
        // fail and fail the batch): refused without a fetch.
        assertThrows(BadSignatureException.class, () -> production.forBatch().certificate(
                "https://sns.zz-nowhere-9.amazonaws.com/SimpleNotificationService-x.pem"));
        assertThrows(BadSignatureException.class, () -> production.forBatch().certificate(
                "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-x.pem"));
        assertEquals(0, requests.get());
    }

    @Test
    void aFloodOfRefusedUrlsNeverEvictsATrustedCertificate() throws Exception {
        SigningCertificates s = source(new SigningCertificates.Bounds(4, Duration.ofHours(1), Duration.ofMinutes(5), 10),
                Duration.ofSeconds(2));
        s.forBatch().certificate(url("/sns.pem"));
        int fetched = requests.get();
        for (int i = 0; i < 40; i++) {
            String u = url("/made-up-" + i + ".pem");
            assertThrows(BadSignatureException.class, () -> s.forBatch().certificate(u));
        }
        s.forBatch().certificate(url("/sns.pem"));
        assertEquals(fetched + 40, requests.get(), "the trusted certificate was not fetched again");
        assertEquals(1, s.trusted());
        assertTrue(s.cached() <= 5, "each cache holds at most its bound: " + s.cached());
    }

    @Test
    void theCacheIsBoundedAndOneBatchFetchesABoundedNumber() throws Exception {
        SigningCertificates s = source(new SigningCertificates.Bounds(4, Duration.ofHours(1), Duration.ofMinutes(5), 3),
                Duration.ofSeconds(2));
        for (int i = 0; i < 30; i++) {
            SigningCertificateSource batch = s.forBatch();
            for (int k = 0; k < 3; k++) {
                String u = url("/flood-" + i + "-" + k + ".pem");
                assertThrows(BadSignatureException.class, () -> batch.certificate(u));
            }
            // A fourth new URL in the same batch is not fetched: the batch is retried instead.
            assertThrows(SigningCertificateUnavailableException.class, () -> batch.certificate(url("/one-too-many-" + System.nanoTime() + ".pem")));
            assertTrue(s.cached() <= 8, "each cache holds at most its bound: " + s.cached());
        }
        assertEquals(90, requests.get());
        // Cached verdicts cost no fetch budget.
        SigningCertificateSource batch = s.forBatch();
        batch.certificate(url("/sns.pem"));
        for (int i = 0; i < 10; i++) batch.certificate(url("/sns.pem"));
        assertEquals(91, requests.get());
    }

    @Test
    void snssRealCertificateChainsToTheJdkTrustStore() throws Exception {
        // SNS's us-west-2 certificate, as its URL served it: leaf only, valid 2025-11-10 to 2026-10-14.
        byte[] pem = resource("SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem");
        CertificateChainValidator then = CertificateChainValidator.jdkDefault(
                Clock.fixed(Instant.parse("2026-03-07T00:00:00Z"), ZoneOffset.UTC));
        X509Certificate leaf = then.validate(pem, SigningCertUrl.region(SigningCertUrl.check(
                "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem")));
        assertEquals("CN=sns.amazonaws.com", leaf.getSubjectX500Principal().getName());
        CertificateChainValidator expired = CertificateChainValidator.jdkDefault(
                Clock.fixed(Instant.parse("2026-10-15T00:00:00Z"), ZoneOffset.UTC));
        assertThrows(BadSignatureException.class, () -> expired.validate(pem, "us-west-2"));
        // The test CA is in no default trust store.
        assertThrows(BadSignatureException.class, () -> then.validate(resource("leaf-sns.pem"), null));
    }
}
