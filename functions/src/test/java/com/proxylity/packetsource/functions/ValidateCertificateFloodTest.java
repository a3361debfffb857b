package com.proxylity.packetsource.functions;

import static com.proxylity.packetsource.functions.testing.SqsEvents.body;
import static com.proxylity.packetsource.functions.testing.SqsEvents.entry;
import static com.proxylity.packetsource.functions.testing.SqsEvents.notification;
import static com.proxylity.packetsource.functions.testing.SqsEvents.record;
import static com.proxylity.packetsource.functions.testing.SqsEvents.unsigned;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.snsauth.BadSignatureException;
import com.proxylity.packetsource.core.snsauth.EnvelopeVerifier;
import com.proxylity.packetsource.core.snsauth.SigningCertUrl;
import com.proxylity.packetsource.core.snsauth.SigningCertificateSource;
import com.proxylity.packetsource.core.snsauth.SnsSignatureVerifier;
import com.proxylity.packetsource.core.testevents.TestSigning;
import com.proxylity.packetsource.functions.Validate;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.core.pipeline.RateLimiter;
import com.proxylity.packetsource.functions.snsauth.CertificateChainValidator;
import com.proxylity.packetsource.functions.snsauth.CertificateFetcher;
import com.proxylity.packetsource.functions.snsauth.SigningCertificates;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Signing certificates are fetched from what the record names, and a fetch that cannot be made
 * now fails the whole batch: so nothing a customer writes may cause one. One customer's records
 * beside nine of another's, across every receive SQS would make: SNS-shaped hosts of regions we
 * do not serve are refused unfetched, and made-up certificate names on a real host are quick
 * refusals that never exhaust the batch's fetch bound. (Found by the red-team review.)
 */
class ValidateCertificateFloodTest {
    static final String ACME_TOPIC = "arn:aws:sns:us-east-1:111122223333:acme";
    static final String EVIL_TOPIC = "arn:aws:sns:us-east-1:444455556666:evil";
    static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");

    static InMemoryRegistry registry() {
        return new InMemoryRegistry()
                .put(new Listener("acme-udp", ListenerType.UDP, 5683, List.of(), null, "http://127.0.0.1:1").ownedBy("acme"))
                .put(new Listener("evil-udp", ListenerType.UDP, 5684, List.of(), null, "http://127.0.0.1:1").ownedBy("evil"))
                .put(new Listener("operator-udp", ListenerType.UDP, 5685, List.of(), null, "http://127.0.0.1:1"))
                // Exactly what PacketSourceLifecycle writes for a customer: maxAge 0, rate 0, customer set.
                .put(new PacketSource(ACME_TOPIC, "acme-udp", true, "utf8", 0, 0, "acme"))
                .put(new PacketSource(EVIL_TOPIC, "evil-udp", true, "utf8", 0, 0, "evil"));
    }

    static Validate validate(Registry registry, EnvelopeVerifier verifier) {
        return new Validate(registry, "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC), (t, k) -> { },
                RateLimiter.UNLIMITED, new StateBudget(10), address -> true, Environment.pipelineMetrics(), verifier);
    }

    static ObjectNode one() {
        return entry("hi", null, "203.0.113.9", 5683, null);
    }

    static Validate.PipeBatch batch(List<JsonNode> records) {
        List<SqsRecord> out = new ArrayList<>();
        for (JsonNode r : records) out.add(new SqsRecord(r.get("messageId").asText(), r.get("body").asText()));
        return new Validate.PipeBatch(out);
    }

    /** A body evil publishes with raw delivery on: shaped like a signed envelope, naming any SigningCertURL. */
    static JsonNode rawForgery(String id, String certUrl) {
        ObjectNode env = notification(EVIL_TOPIC, "us-east-1", body(one()), NOW);
        env.put("SignatureVersion", "1");
        env.put("Signature", "AAAA");
        env.put("SigningCertURL", certUrl);
        return unsigned(id, env);
    }

    /**
     * The certificates as deployed (SNS URL policy, bounded fetches, cache), except that the
     * committed test key is trusted under its own URL so acme's genuine message verifies.
     */
    static EnvelopeVerifier deployedVerifier(SigningCertificates production) {
        X509Certificate testCert = TestSigning.get().certificate();
        SigningCertificateSource source = new SigningCertificateSource() {
            @Override
            public X509Certificate certificate(String url) throws BadSignatureException {
                return forBatch().certificate(url);
            }

            @Override
            public SigningCertificateSource forBatch() {
                SigningCertificateSource b = production.forBatch();
                return url -> TestSigning.CERT_URL.equals(url) ? testCert : b.certificate(url);
            }
        };
        return new SnsSignatureVerifier(source);
    }

    // ---------------------------------------------------------------------------------------
    // FINDING 1 (HIGH, cross-tenant DoS): a SigningCertURL on a host that passes the URL policy
    // but cannot be reached (any region-shaped name: sns.zz-nowhere-9.amazonaws.com) is "cannot
    // be fetched now" = TransientException = the whole batch fails, every receive, until the
    // batch (acme's messages included) sits in the DLQ. Never cached, so it never heals.
    // ---------------------------------------------------------------------------------------
    @Test
    void aRecordNamingAnUnreachableSnsShapedHostNeverFailsItsNeighbours() throws Exception {
        String url = "https://sns.zz-nowhere-9.amazonaws.com/SimpleNotificationService-0000.pem";
        SigningCertUrl.check(url); // shaped like SNS's, so only the served regions keep it out
        SigningCertificates production = SigningCertificates.production(Duration.ofSeconds(2), List.of("us-east-1", "eu-west-1"));
        Validate v = validate(registry(), deployedVerifier(production));
        List<JsonNode> records = new ArrayList<>();
        records.add(rawForgery("evil", url));
        for (int i = 0; i < 9; i++) records.add(record("acme-" + i, notification(ACME_TOPIC, "us-east-1", body(one()), NOW)));
        for (int receive = 1; receive <= 5; receive++) {
            PacketsState r;
            try {
                r = v.handle(batch(records));
            } catch (RuntimeException e) {
                throw new AssertionError("receive " + receive + ": evil's one record failed the whole batch with "
                        + e + " -- after 5 receives acme's 9 messages go to the DLQ", e);
            }
            assertEquals(9, r.packets().size());
        }
    }

    // ---------------------------------------------------------------------------------------
    // FINDING 1b (same root cause): the per-batch fetch bound (3) is itself a batch failure.
    // evil puts 4 records with never-seen .pem names on SNS's own host (404 in production) in
    // the queue; any batch holding them fails. Each retry lands on a Lambda instance whose
    // cache may not hold the refusals (per-instance cache, LRU of 64 that evil can also flush).
    // Modelled over loopback HTTP with the production SigningCertificates and Bounds.DEFAULT.
    // ---------------------------------------------------------------------------------------
    @Test
    void recordsNamingMadeUpCertificatesNeverExhaustTheBatchsFetchBound() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger hits = new AtomicInteger();
        server.createContext("/", ex -> {
            hits.incrementAndGet();
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        try {
            Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
            SigningCertificates.UrlPolicy loopback = u -> URI.create(u);
            SigningCertificates production = new SigningCertificates(loopback,
                    new CertificateFetcher(Duration.ofSeconds(2), CertificateFetcher.DEFAULT_MAX_BYTES),
                    new CertificateChainValidator(Set.of(new java.security.cert.TrustAnchor(TestSigning.get().certificate(), null)),
                            List.of(), clock),
                    SigningCertificates.Bounds.DEFAULT, clock);
            Validate v = validate(registry(), deployedVerifier(production));
            List<JsonNode> records = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                records.add(rawForgery("evil-" + i, "http://127.0.0.1:" + server.getAddress().getPort()
                        + "/SimpleNotificationService-" + java.util.UUID.randomUUID() + ".pem"));
            }
            // A full batch of made-up names (the most one batch can hold), then acme's records in the next.
            PacketsState flood;
            try {
                flood = v.handle(batch(records));
            } catch (RuntimeException e) {
                throw new AssertionError("ten made-up certificate URLs failed the batch (" + e + ")", e);
            }
            assertEquals(10, flood.discards().stream().filter(d -> d.reason() == DiscardReason.BadSignature).count());
            records = new ArrayList<>(records.subList(0, 4));
            for (int i = 0; i < 6; i++) records.add(record("acme-" + i, notification(ACME_TOPIC, "us-east-1", body(one()), NOW)));
            try {
                PacketsState r = v.handle(batch(records));
                assertEquals(6, r.packets().size());
            } catch (RuntimeException e) {
                throw new AssertionError("4 bogus cert URLs from evil failed the whole batch (" + e
                        + "); acme's 6 messages are retried with it (fetches=" + hits.get() + ")", e);
            }
        } finally {
            server.stop(0);
        }
    }
}
