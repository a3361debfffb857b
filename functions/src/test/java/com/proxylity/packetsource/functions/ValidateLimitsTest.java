package com.proxylity.packetsource.functions;

import static com.proxylity.packetsource.functions.testing.SqsEvents.body;
import static com.proxylity.packetsource.functions.testing.SqsEvents.entry;
import static com.proxylity.packetsource.functions.testing.SqsEvents.notification;
import static com.proxylity.packetsource.functions.testing.SqsEvents.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import com.proxylity.packetsource.core.pipeline.ValidatedEntry;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.pipeline.FormatStage;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.functions.model.Batches;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.functions.state.StateJson;
import com.proxylity.packetsource.functions.registry.DeploymentDefaultsRegistry;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.core.pipeline.RateLimiter;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.proxylity.packetsource.functions.subscription.SubscriptionConfirmer;
import com.proxylity.packetsource.functions.ratelimit.TokenBucketRateLimiter;
import com.proxylity.packetsource.functions.testing.SqsEvents;
import com.proxylity.packetsource.core.testevents.TestSigning;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Validate's own limits around the core stage: state budget (TooLarge), rate limit, deployment max age, confirmations. */
class ValidateLimitsTest {
    static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:t";
    static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");
    final PipelineMetrics metrics = Environment.pipelineMetrics();

    InMemoryRegistry registry(int rate, long maxAge) {
        return new InMemoryRegistry()
                .put(new Listener("coap", ListenerType.UDP, 5683, List.of(), null, "http://127.0.0.1:1"))
                .put(new PacketSource(TOPIC, "coap", true, "utf8", maxAge, rate));
    }

    static final com.proxylity.packetsource.core.egresspolicy.EgressPolicy ALLOW_ALL = address -> true;

    static List<String> ids(PacketsState r) {
        return r.packets().stream().map(ReadyPacket::id).toList();
    }

    static Validate.PipeBatch batch(JsonNode... records) {
        List<SqsRecord> out = new ArrayList<>();
        for (JsonNode r : records) out.add(new SqsRecord(r.get("messageId").asText(), r.get("body").asText()));
        return new Validate.PipeBatch(out);
    }

    static Map<String, DiscardReason> reasons(PacketsState r) {
        return r.discards().stream().collect(Collectors.toMap(Discard::id, Discard::reason));
    }

    static ObjectNode[] entries(int n, int dataChars) {
        ObjectNode[] e = new ObjectNode[n];
        for (int i = 0; i < n; i++) e[i] = entry("x".repeat(dataChars), null, "203.0.113.9", 5683, null);
        return e;
    }

    @Test
    void anEntryLargerThanWhatIsLeftOfItsMessagesShareIsTooLargeAndItsSiblingsGoOn() {
        StateBudget budget = new StateBudget(10);
        Validate v = new Validate(registry(0, 0), "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC), (t, k) -> { },
                RateLimiter.UNLIMITED, budget, ALLOW_ALL, metrics, TestSigning.get().verifier());
        PacketsState r = v.handle(batch(
                record("big", notification(TOPIC, "us-east-1", body(entries(1, budget.perMessage())), NOW)),
                record("small", notification(TOPIC, "us-east-1", body(entries(2, 10)), NOW))));
        assertEquals(Map.of("big/0", DiscardReason.TooLarge), reasons(r));
        assertEquals(List.of("small/0", "small/1"), ids(r));
        assertEquals(Map.of("small", NOW.toEpochMilli()), r.publishedAt());
    }

    /**
     * Issue 9, defect 4: a 15-byte entry beside a 20,000-byte one used to end as one TooLarge
     * for the whole message, although one bad entry must never affect its siblings. Entries are
     * admitted in order while the share lasts; the big one is TooLarge on its own, in either order.
     */
    @Test
    void aSmallEntryBesideOneTooLargeForTheShareIsStillSent() {
        StateBudget budget = new StateBudget(10);
        Validate v = new Validate(registry(0, 0), "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC), (t, k) -> { },
                RateLimiter.UNLIMITED, budget, ALLOW_ALL, metrics, TestSigning.get().verifier());
        ObjectNode small = entry("fifteen bytes!!", null, "203.0.113.9", 5683, null);
        ObjectNode big = entry("x".repeat(20_000), null, "203.0.113.9", 5683, null);
        ObjectNode after = entry("after", null, "203.0.113.9", 5683, null);
        PacketsState r = v.handle(batch(
                record("m1", notification(TOPIC, "us-east-1", body(small, big), NOW)),
                record("m2", notification(TOPIC, "us-east-1", body(big, small, after), NOW))));
        assertEquals(Map.of("m1/1", DiscardReason.TooLarge, "m2/0", DiscardReason.TooLarge), reasons(r));
        assertEquals(List.of("m1/0", "m2/1", "m2/2"), ids(r));
        assertTrue(r.discards().get(0).detail().contains("left of the message's 24576-byte share"), r.discards().get(0).detail());
    }

    /** Entries take the share in order: once it is spent, each later entry that does not fit is TooLarge. */
    @Test
    void entriesAreAdmittedInOrderWhileTheShareLasts() throws Exception {
        StateBudget budget = new StateBudget(10);
        Validate v = new Validate(registry(0, 0), "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC), (t, k) -> { },
                RateLimiter.UNLIMITED, budget, ALLOW_ALL, metrics, TestSigning.get().verifier());
        // Each 8,000-character entry needs ~10.9 KB of state: two fit a 24,576-byte share, a third does not.
        ObjectNode[] three = entries(3, 8_000);
        ObjectNode tiny = entry("t", null, "203.0.113.9", 5683, null);
        PacketsState r = v.handle(batch(record("m", notification(TOPIC, "us-east-1",
                body(three[0], three[1], three[2], tiny), NOW))));
        assertEquals(Map.of("m/2", DiscardReason.TooLarge), reasons(r));
        assertEquals(List.of("m/0", "m/1", "m/3"), ids(r));
        int used = StateJson.MAPPER.writeValueAsBytes(r.packets()).length + StateJson.MAPPER.writeValueAsBytes(r.discards()).length;
        assertTrue(used <= budget.perMessage(), "packets + discard within the share: " + used);
    }

    @Test
    void aMessageOfManyBadEntriesCannotOverflowTheStateEither() {
        StateBudget budget = new StateBudget(10);
        Validate v = new Validate(registry(0, 0), "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC), (t, k) -> { },
                RateLimiter.UNLIMITED, budget, ALLOW_ALL, metrics, TestSigning.get().verifier());
        ObjectNode[] schemaBad = new ObjectNode[200];
        for (int i = 0; i < schemaBad.length; i++) {
            schemaBad[i] = entry("x", null, "203.0.113.9", 5683, null);
            schemaBad[i].remove("Remote");
        }
        PacketsState r = v.handle(batch(record("many", notification(TOPIC, "us-east-1", body(schemaBad), NOW))));
        assertEquals(Map.of("many", DiscardReason.TooLarge), reasons(r));
        assertEquals(List.of(), r.packets());
    }

    @Test
    void tenFullSizeWireGuardPacketsFitOneMessageShareAtBatchSizeTen() {
        String data = java.util.Base64.getEncoder().encodeToString(new byte[1420]);
        List<ValidatedEntry> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(new ValidatedEntry("0f8fad5b-d9cb-469f-a165-70867728950e/" + i, "wg-listener", ListenerType.WG,
                    "base64", entry(data, null, "203.0.113.9", 51820, null)));
        }
        assertTrue(new StateBudget(10).fits(ten, 0), () -> "estimate " + StateBudget.estimate(ten));
        // The bound really bounds: the packets' JSON as Format would emit it is smaller.
        assertTrue(StateBudget.estimate(ten) >= 10L * (4 * 1420 / 3 + 200));
    }

    @Test
    void aWorstCaseMessageOfTheDocumentedSizeFitsThePipeInputAlone() throws Exception {
        // Every character of Data a quote: the message escapes it once, the SNS envelope twice,
        // the Pipe's JSON three times - the 4x of docs/pipeline.md.
        int quotes = 32_000;
        String message = body(entry("\"".repeat(quotes), "utf8", "203.0.113.9", 5683, null));
        int m = message.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        JsonNode rec = record("0f8fad5b-d9cb-469f-a165-70867728950e", notification(
                "arn:aws:sns:us-east-1:111122223333:" + "t".repeat(200), "us-east-1", message, NOW));
        int pipeChars = SqsEvents.batch(rec).toString().length();
        assertTrue(m <= 64_256, "message " + m);
        assertTrue(pipeChars <= 4L * m + 5_120, "pipe form " + pipeChars + " for a message of " + m);
        assertTrue(pipeChars <= 262_144);
    }

    @Test
    void theBudgetBoundsWhatFormatCanProduce() throws Exception {
        // Worst case for growth: many tiny entries, each becoming a packet with all its fields.
        StateBudget budget = new StateBudget(10);
        List<ValidatedEntry> tiny = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tiny.add(new ValidatedEntry("0f8fad5b-d9cb-469f-a165-70867728950e/" + i, "coap", ListenerType.UDP, "utf8",
                    entry("x", null, "203.0.113.9", 5683, null)));
        }
        assertTrue(budget.perMessage() * 10L + StateBudget.RESERVE <= StateBudget.STATE_LIMIT);
        String big = java.util.Base64.getEncoder().encodeToString(new byte[1420]);
        List<ValidatedEntry> large = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            large.add(new ValidatedEntry("0f8fad5b-d9cb-469f-a165-70867728950e/" + i, "coap", ListenerType.UDP, "base64",
                    entry(big, null, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 65535, null),
                    com.proxylity.packetsource.core.contract.AddressFamilies.DUAL));
        }
        for (List<ValidatedEntry> entries : List.of(tiny, large)) {
            List<ReadyPacket> packets = new FormatStage(ALLOW_ALL).format(entries).packets();
            assertEquals(entries.size(), packets.size());
            // The packets as they sit in Validate's output (the state's packets part, field names included).
            int actual = StateJson.MAPPER.writeValueAsBytes(new PacketsState(packets, List.of(), Map.of())).length;
            assertTrue(actual <= StateBudget.estimate(entries),
                    "Format's real output " + actual + " exceeds the estimate " + StateBudget.estimate(entries));
        }
    }

    /**
     * The two Task states that carry the packets, Validate (which formats them) and
     * LookupSessions (which batches them), stay under Step Functions' 256 KiB per state for a
     * full Pipe batch at the documented maxima (docs/pipeline.md, "Payload limits"): ten messages
     * of as many tiny entries as the share takes or refuses, and ten messages of full-MTU
     * packets to the longest IPv6 address, with more entries than fit (the rest TooLarge). The
     * outputs measured are the handlers' real JSON as Lambda returns it, before any ResultSelector.
     */
    @Test
    void everyStateStaysUnderTheStateLimitAtTheDocumentedMaxima() throws Exception {
        InMemoryRegistry registry = new InMemoryRegistry()
                .put(new Listener("coap", ListenerType.UDP, 5683, List.of(), null, "http://127.0.0.1:1",
                        com.proxylity.packetsource.core.contract.AddressFamilies.DUAL))
                .put(new PacketSource(TOPIC, "coap", true, "base64", 0, 0));
        String mtu = java.util.Base64.getEncoder().encodeToString(new byte[1420]);
        String far = "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff";
        long largest = 0;
        for (int[] shape : new int[][] {{1, 60}, {1, 66}, {1, 75}, {1, 76}, {1420, 10}, {1420, 14}}) {
            Validate v = new Validate(registry, "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC), (t, k) -> { },
                    RateLimiter.UNLIMITED, new StateBudget(10), ALLOW_ALL, metrics, TestSigning.get().verifier());
            LookupSessions l = new LookupSessions(new com.proxylity.packetsource.core.session.InMemorySessionDirectory(),
                    registry, Clock.fixed(NOW, ZoneOffset.UTC), metrics);
            ObjectNode[] entries = new ObjectNode[shape[1]];
            for (int i = 0; i < entries.length; i++) {
                entries[i] = entry(shape[0] == 1 ? "AA==" : mtu, null, far, 65535, null);
            }
            JsonNode[] records = new JsonNode[10];
            for (int m = 0; m < records.length; m++) {
                records[m] = record(java.util.UUID.randomUUID().toString(), notification(TOPIC, "us-east-1", body(entries), NOW));
            }
            byte[] validated = v.handleJson(StateJson.MAPPER.writeValueAsBytes(SqsEvents.batch(records)));
            JsonNode out = StateJson.MAPPER.readTree(validated);
            assertTrue(out.get("Packets").size() > 0, "the shape sends something");
            // Validate's ResultSelector: what LookupSessions receives.
            ObjectNode selected = StateJson.MAPPER.createObjectNode();
            for (String f : List.of("Packets", "PublishedAt", "Redelivered", "Sources")) selected.set(f, out.get(f));
            byte[] batched = l.handleJson(StateJson.MAPPER.writeValueAsBytes(selected));
            Batches batches = StateJson.MAPPER.readValue(batched, Batches.class);
            assertEquals(out.get("Packets").size(), batches.batches().stream().mapToInt(b -> b.packets().size()).sum());
            System.out.printf("state sizes for %s: Validate %d, LookupSessions %d bytes%n",
                    java.util.Arrays.toString(shape), validated.length, batched.length);
            for (int size : new int[] {validated.length, batched.length}) {
                assertTrue(size <= StateBudget.STATE_LIMIT, "a state of " + size + " bytes for shape "
                        + java.util.Arrays.toString(shape));
                largest = Math.max(largest, size);
            }
        }
        assertTrue(largest > StateBudget.STATE_LIMIT / 2, "the shapes do fill the states: largest " + largest);
    }

    @Test
    void entriesBeyondTheSourceRateAreRateLimited() {
        Validate v = new Validate(registry(3, 0), "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC), (t, k) -> { },
                new TokenBucketRateLimiter(Clock.fixed(NOW, ZoneOffset.UTC)), new StateBudget(10), ALLOW_ALL, metrics, TestSigning.get().verifier());
        PacketsState r = v.handle(batch(record("a", notification(TOPIC, "us-east-1", body(entries(5, 4)), NOW))));
        assertEquals(List.of("a/0", "a/1", "a/2"), ids(r));
        assertEquals(Map.of("a/3", DiscardReason.RateLimited, "a/4", DiscardReason.RateLimited), reasons(r));
    }

    @Test
    void theDeploymentMaxAgeAppliesToSourcesWithoutOne() {
        Clock later = Clock.fixed(NOW.plusSeconds(3600), ZoneOffset.UTC);
        Validate v = new Validate(new DeploymentDefaultsRegistry(registry(0, 0), 600), "us-east-1", later,
                (t, k) -> { }, RateLimiter.UNLIMITED, new StateBudget(10), ALLOW_ALL, metrics, TestSigning.get().verifier());
        PacketsState r = v.handle(batch(record("old", notification(TOPIC, "us-east-1", body(entries(1, 4)), NOW))));
        assertEquals(Map.of("old", DiscardReason.Stale), reasons(r));
    }

    @Test
    void aBodyParsedIntoAnObjectAndALambdaStyleEventAreReadToo() throws Exception {
        Validate v = new Validate(registry(0, 0), "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC), (t, k) -> { },
                RateLimiter.UNLIMITED, new StateBudget(10), ALLOW_ALL, metrics, TestSigning.get().verifier());
        ObjectNode rec = record("obj", notification(TOPIC, "us-east-1", body(entries(1, 4)), NOW));
        rec.set("body", com.proxylity.packetsource.functions.state.StateJson.MAPPER.readTree(rec.get("body").asText()));
        for (JsonNode input : List.<JsonNode>of(SqsEvents.batch(rec),
                com.proxylity.packetsource.functions.state.StateJson.MAPPER.createObjectNode().set("Records", SqsEvents.batch(rec)))) {
            JsonNode out = com.proxylity.packetsource.functions.state.StateJson.MAPPER.readTree(
                    v.handleJson(com.proxylity.packetsource.functions.state.StateJson.MAPPER.writeValueAsBytes(input)));
            assertEquals("obj/0", out.get("Packets").get(0).get("Id").asText());
        }
    }

    @Test
    void aFailedConfirmationIsRetriedNotDropped() {
        Validate v = new Validate(registry(0, 0), "us-east-1", Clock.system(ZoneId.of("UTC")),
                (t, k) -> { throw new IllegalStateException("SNS throttled"); }, RateLimiter.UNLIMITED,
                new StateBudget(10), ALLOW_ALL, metrics, TestSigning.get().verifier());
        assertThrows(TransientException.class, () -> v.handle(batch(
                record("sub", SqsEvents.subscriptionConfirmation(TOPIC, "tok")))));
    }

    @Test
    void aConfirmationSnsRefusesForGoodIsCountedAndItsSiblingsGoOn() {
        Validate v = new Validate(registry(0, 0), "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC),
                (t, k) -> { throw new SubscriptionConfirmer.RejectedException("InvalidParameter"); },
                RateLimiter.UNLIMITED, new StateBudget(10), ALLOW_ALL, metrics, TestSigning.get().verifier());
        PacketsState r = v.handle(batch(
                record("sub", SqsEvents.subscriptionConfirmation(TOPIC, "expired-token")),
                record("m", notification(TOPIC, "us-east-1", body(entries(1, 4)), NOW))));
        assertEquals(List.of("m/0"), ids(r));
    }

    /** A customer that turned raw delivery on can write any body into the queue: none may pass as another's topic. */
    @Test
    void aForgedEnvelopeIsOneBadSignatureDiscardAndNeverConfirmed() {
        List<String[]> confirmed = new ArrayList<>();
        Validate v = new Validate(registry(0, 0), "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC),
                (t, k) -> confirmed.add(new String[] {t, k}), RateLimiter.UNLIMITED, new StateBudget(10), ALLOW_ALL,
                metrics, TestSigning.get().verifier());
        ObjectNode forged = (ObjectNode) SqsEvents.signed(
                notification("arn:aws:sns:us-east-1:444455556666:thief", "us-east-1", body(entries(1, 4)), NOW));
        forged.put("TopicArn", TOPIC);
        ObjectNode forgedConfirmation = (ObjectNode) SqsEvents.signed(
                SqsEvents.subscriptionConfirmation("arn:aws:sns:us-east-1:444455556666:thief", "tok"));
        forgedConfirmation.put("TopicArn", TOPIC);
        PacketsState r = v.handle(batch(
                SqsEvents.unsigned("forged", forged),
                SqsEvents.unsigned("unsigned", notification(TOPIC, "us-east-1", body(entries(1, 4)), NOW)),
                SqsEvents.unsigned("raw", com.proxylity.packetsource.functions.state.StateJson.MAPPER.valueToTree(
                        java.util.Map.of("Messages", List.of(entries(1, 4)[0])))),
                SqsEvents.unsigned("confirm", forgedConfirmation),
                record("m", notification(TOPIC, "us-east-1", body(entries(1, 4)), NOW))));
        assertEquals(Map.of("forged", DiscardReason.BadSignature, "unsigned", DiscardReason.BadSignature,
                "raw", DiscardReason.BadSignature, "confirm", DiscardReason.BadSignature), reasons(r));
        assertEquals(List.of("m/0"), ids(r));
        assertTrue(confirmed.isEmpty(), "an unverifiable confirmation is never confirmed");
    }

    @Test
    void aSigningCertificateThatCannotBeFetchedNowRetriesTheBatch() {
        com.proxylity.packetsource.core.snsauth.SigningCertificateSource down = url -> {
            throw new com.proxylity.packetsource.core.snsauth.SigningCertificateUnavailableException("signing certificate fetch timed out", null);
        };
        Validate v = new Validate(registry(0, 0), "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC), (t, k) -> { },
                RateLimiter.UNLIMITED, new StateBudget(10), ALLOW_ALL, metrics,
                new com.proxylity.packetsource.core.snsauth.SnsSignatureVerifier(down));
        TransientException e = assertThrows(TransientException.class, () -> v.handle(batch(
                record("m", notification(TOPIC, "us-east-1", body(entries(1, 4)), NOW)))));
        assertEquals("signing certificate fetch timed out", e.getMessage());
    }
}
