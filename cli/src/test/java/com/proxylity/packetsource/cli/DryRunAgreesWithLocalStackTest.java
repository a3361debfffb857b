package com.proxylity.packetsource.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import com.proxylity.packetsource.core.pipeline.EntryId;
import com.proxylity.packetsource.core.pipeline.RateLimiter;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.proxylity.packetsource.core.pipeline.ValidatedEntry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.snsauth.SignatureVersion;
import com.proxylity.packetsource.core.testevents.TestEvents;
import com.proxylity.packetsource.core.testevents.TestSigning;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.local.LocalMode;
import com.proxylity.packetsource.local.LocalSender;
import com.proxylity.packetsource.local.LocalStack;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.sns.MessageAttribute;
import com.proxylity.packetsource.local.sns.Notification;
import com.proxylity.packetsource.local.sns.PublishEntry;
import com.proxylity.packetsource.local.stepfunctions.HandlerStages;
import com.proxylity.packetsource.local.stepfunctions.LocalMetrics;
import com.proxylity.packetsource.local.stepfunctions.PipelineStage;
import com.proxylity.packetsource.local.stepfunctions.StateMachine;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Issue 23's agreement: every file of test-events/ and a generated set of edge cases (entry
 * counts, sizes and encodings at and past each limit, and every disagreement the issue found)
 * through {@code dry-run} (the CLI's code path) and through the local stack (ElasticMQ, the
 * poller acting as the Pipe, the state machine definition over the real handlers, the real
 * sender), with the same assumptions: every topic an enabled Packet Source on one Listener of
 * the case's type, the deployed Pipe batch size, the default egress policy. Every entry must end
 * the same: sent with the same bytes, or discarded for the same reason.
 *
 * <p>Only bad-BadSignature.json is left out: the dry run verifies no signature by design
 * (docs/dry-run.md); {@link DryRunCommandTest} holds it to its own manifest outcomes.
 */
class DryRunAgreesWithLocalStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestEvents EVENTS = TestEvents.load();
    private static final String REGION = EVENTS.region();
    private static final String TOPIC = "arn:aws:sns:" + REGION + ":111122223333:agreement";
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-25T08:01:00Z"), ZoneOffset.UTC);
    private static final String PEER = "vblMc9U8RAI6cVopcKEMTVT6lVC3D9nTTMSwot5d3L4=";

    /** One Listener set-up (dry-run options) and the files run under it. */
    record Group(ListenerType type, AddressFamilies families, String formatter, List<Case> cases) {}

    /**
     * One dry-run FILE: its records go to the queue as they are; a bare body goes as the local
     * SNS wraps it ({@link Notification#envelope}), while the dry run wraps it itself.
     */
    record Case(String name, List<SqsRecord> records, String bareBody, String expect) {
        Case(String name, List<SqsRecord> records, String bareBody) {
            this(name, records, bareBody, null);
        }
    }

    @Test
    void everyEntryEndsTheSameInTheDryRunAndInTheLocalStack(@TempDir Path dir) throws Exception {
        List<Group> groups = new ArrayList<>(testEventGroups());
        groups.addAll(edgeCaseGroups());

        AtomicReference<Registry> registry = new AtomicReference<>();
        Map<String, JsonNode> local = new ConcurrentHashMap<>();
        BlockingQueue<String> validated = new LinkedBlockingQueue<>();
        LocalConfig config = LocalConfig.load(new ByteArrayInputStream(("regions: [" + REGION + "]\n"
                + "listeners: [{name: " + DryRunRegistry.LISTENER + ", protocol: udp}]\n").getBytes(StandardCharsets.UTF_8)));
        InMemorySessionDirectory sessions = new InMemorySessionDirectory();
        JsonNode definition;
        try (InputStream in = LocalMode.class.getResourceAsStream(LocalMode.DEFINITION)) {
            definition = JSON.readTree(in);
        }
        int checked = 0;
        try (LocalSender sender = new LocalSender(config, sessions, WireGuardPorts.NONE, null)) {
            sender.start();
            HandlerStages.Parts parts = new HandlerStages.Parts(new WithEndpoint(registry, sender.endpoint()), sessions,
                    DefaultEgressPolicy.standard(), RateLimiter.UNLIMITED,
                    new HttpEgressTransport(sender.hmacKey(), Clock.systemUTC(), Duration.ofSeconds(5)),
                    new LocalMetrics().pipelineMetrics(), NOW, config.queues().batchSize(), TestSigning.get().verifier());
            assertEquals(DeploymentNumbers.PIPE_BATCH_SIZE, parts.pipeBatchSize(), "local mode runs the deployed batch size");
            try (LocalStack stack = LocalStack.start(config, region -> {
                Map<String, PipelineStage> stages = new LinkedHashMap<>(HandlerStages.forRegion(region, parts));
                PipelineStage validate = stages.get("Validate");
                // Observes the real Validate handler's output: Format's packets and every discard so far.
                stages.put("Validate", input -> {
                    JsonNode out = validate.apply(input);
                    for (JsonNode p : out.path("Packets")) local.putIfAbsent(p.get("Id").asText(), p);
                    for (JsonNode d : out.path("Discards")) local.putIfAbsent(d.get("Id").asText(), d);
                    JsonNode records = input.isArray() ? input : input.path("Records");
                    for (JsonNode r : records) validated.add(r.path("messageId").asText());
                    return out;
                });
                StateMachine machine = StateMachine.of(definition, stages);
                return machine::run;
            }, o -> { })) {
                SqsClient sqs = stack.sqs(REGION);
                String queue = stack.queues().of(REGION).url();
                for (Group g : groups) {
                    registry.set(new DryRunRegistry(g.type(), g.families(), g.formatter()));
                    // SQS's messageId of each record, to the dry run's Id base for it.
                    Map<String, String> idBase = new LinkedHashMap<>();
                    List<Path> files = new ArrayList<>();
                    for (Case c : g.cases()) {
                        Path file = dir.resolve(c.name());
                        if (c.bareBody() != null) {
                            Files.writeString(file, c.bareBody());
                            String sqsId = sqs.sendMessage(b -> b.queueUrl(queue).messageBody(delivered(c.bareBody()))).messageId();
                            idBase.put(sqsId, SnsDelivery.record(c.name(), c.bareBody(), REGION).messageId());
                        } else {
                            ArrayNode records = JSON.createArrayNode();
                            for (SqsRecord r : c.records()) {
                                records.addObject().put("messageId", r.messageId()).put("body", r.body());
                                String sqsId = sqs.sendMessage(b -> b.queueUrl(queue).messageBody(r.body())).messageId();
                                idBase.put(sqsId, r.messageId());
                            }
                            Files.writeString(file, JSON.writeValueAsString(records));
                        }
                        files.add(file);
                    }
                    awaitValidated(validated, idBase.keySet());
                    Map<String, JsonNode> dry = dryRun(g, files);
                    // Every local outcome, renamed to the dry run's Id.
                    Map<String, String> localByDryId = new TreeMap<>();
                    for (Map.Entry<String, String> e : idBase.entrySet()) {
                        for (Map.Entry<String, JsonNode> o : local.entrySet()) {
                            if (!EntryId.messageIdOf(o.getKey()).equals(e.getKey())) continue;
                            String suffix = o.getKey().substring(e.getKey().length());
                            localByDryId.put(e.getValue() + suffix, form(o.getValue()));
                        }
                    }
                    Map<String, String> dryById = new TreeMap<>();
                    dry.forEach((id, o) -> {
                        // A control message is no outcome of Validate's: the handler acts on it.
                        if (!"Control".equals(o.get("Outcome").asText())) dryById.put(id, form(o));
                    });
                    assertEquals(dryById, localByDryId, "group " + g.type().wireName() + " " + g.cases().stream()
                            .map(Case::name).toList());
                    for (Case c : g.cases()) {
                        if (c.expect() == null) continue;
                        String base = c.bareBody() != null ? SnsDelivery.record(c.name(), c.bareBody(), REGION).messageId()
                                : c.records().get(0).messageId();
                        String first = dryById.containsKey(base) ? dryById.get(base) : dryById.get(EntryId.of(base, 0));
                        assertEquals(c.expect(), first, c.name());
                    }
                    checked += dryById.size();
                }
            }
        }
        assertTrue(checked > 250, "outcomes compared: " + checked);
    }

    /** The dry run over a group's files, through the CLI: outcomes by Id. */
    private static Map<String, JsonNode> dryRun(Group g, List<Path> files) throws Exception {
        List<String> args = new ArrayList<>(List.of("dry-run", "--json", "--listener-type", g.type().wireName(),
                "--listener-families", g.families().wireName(), "--region", REGION));
        if (g.formatter() != null) args.addAll(List.of("--formatter", g.formatter()));
        files.forEach(f -> args.add(f.toString()));
        DryRunCommandTest.Run r = DryRunCommandTest.run(args.toArray(String[]::new));
        assertTrue(r.exit() == 0 || r.exit() == 1, r.err());
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode f : JSON.readTree(r.out()).get("Files")) {
            for (JsonNode o : f.get("Outcomes")) out.put(o.get("Id").asText(), o);
        }
        return out;
    }

    /** Sent with its bytes, or the discard reason: what must agree. */
    private static String form(JsonNode o) {
        if (o.has("PayloadHex")) return "Sent " + o.get("PayloadHex").asText();
        if (o.has("Payload")) return "Sent " + HexFormat.of().formatHex(Base64.getDecoder().decode(o.get("Payload").asText()));
        return "Discarded " + o.get("Reason").asText();
    }

    /** Waits for the Validate state to have run on each of these records (an event, not a time). */
    private static void awaitValidated(BlockingQueue<String> validated, Set<String> ids) throws InterruptedException {
        Set<String> left = ConcurrentHashMap.newKeySet();
        left.addAll(ids);
        while (!left.isEmpty()) {
            String id = validated.poll(60, TimeUnit.SECONDS);
            assertTrue(id != null, "the local stack never validated " + left);
            left.remove(id);
        }
    }

    /** A bare body as the local SNS delivers it to the queue. */
    private static String delivered(String body) {
        return Notification.envelope(UUID.randomUUID().toString(), TOPIC,
                new PublishEntry("1", body, null, Map.of("EgressRegion", new MessageAttribute("String", REGION))),
                NOW.instant(), TOPIC + ":" + UUID.randomUUID(), "http://127.0.0.1:9911",
                TestSigning.get().signer(SignatureVersion.V1));
    }

    /** A signed SNS envelope as SNS delivers it, as one SQS record. */
    private static SqsRecord record(String message) {
        String id = UUID.randomUUID().toString();
        return new SqsRecord(id, Notification.envelope(id, TOPIC,
                new PublishEntry("1", message, null, Map.of("EgressRegion", new MessageAttribute("String", REGION))),
                NOW.instant(), TOPIC + ":" + UUID.randomUUID(), "http://127.0.0.1:9911",
                TestSigning.get().signer(SignatureVersion.V1)));
    }

    private static List<Group> testEventGroups() {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (String file : EVENTS.files()) {
            if (file.equals("bad-BadSignature.json")) continue;
            ListenerType type = EVENTS.listenerType(file);
            AddressFamilies families = EVENTS.listenerFamilies(file);
            String formatter = EVENTS.formatter(file);
            groups.computeIfAbsent(type + "/" + families + "/" + formatter,
                    k -> new Group(type, families, formatter, new ArrayList<>()))
                    .cases().add(new Case(file, EVENTS.records(file), null));
        }
        return List.copyOf(groups.values());
    }

    // ---- generated edge cases ----

    private static ObjectNode entry(String formatter, String data) {
        ObjectNode e = JSON.createObjectNode().put("Data", data).put("Formatter", formatter);
        e.putObject("Remote").put("Address", "203.0.113.7").put("Port", 5683).put("PeerKey", PEER);
        return e;
    }

    private static String message(List<ObjectNode> entries) {
        ObjectNode m = JSON.createObjectNode();
        ArrayNode list = m.putArray("Messages");
        entries.forEach(list::add);
        return m.toString();
    }

    private static String small(int n) {
        List<ObjectNode> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) entries.add(entry("base64", "AQID"));
        return message(entries);
    }

    private static String base64Bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) i;
        return Base64.getEncoder().encodeToString(b);
    }

    /** An IPv4 packet of {@code length} bytes whose header states it (a wg Listener's Data). */
    private static String ipv4Packet(int length) {
        byte[] p = new byte[length];
        p[0] = 0x45;
        p[2] = (byte) (length >>> 8);
        p[3] = (byte) length;
        p[9] = 17;
        return Base64.getEncoder().encodeToString(p);
    }

    /**
     * The largest base64 payload one entry of a message may carry within the deployed share,
     * for a 36-character messageId on the dry run's Listener.
     */
    static int largestAdmittedPayload() {
        StateBudget budget = new StateBudget(DeploymentNumbers.PIPE_BATCH_SIZE);
        String id = EntryId.of(UUID.randomUUID().toString(), 0);
        int n = 1;
        while (budget.admit(List.of(new ValidatedEntry(id, DryRunRegistry.LISTENER, ListenerType.UDP, "base64",
                entry("base64", base64Bytes(n + 3)))), 0).tooLarge().isEmpty()) {
            n += 3;
        }
        return n;
    }

    /** A message whose envelope is exactly {@code size} bytes: one small entry and trailing spaces. */
    private static SqsRecord envelopeOfSize(int size) {
        String base = small(1);
        SqsRecord r = record(base);
        int pad = size - r.body().getBytes(StandardCharsets.UTF_8).length;
        SqsRecord padded = new SqsRecord(r.messageId(), record(base + " ".repeat(pad)).body());
        // The ids and signature are of fixed length, so the padding lands exactly.
        assertEquals(size, padded.body().getBytes(StandardCharsets.UTF_8).length);
        return padded;
    }

    private static List<Group> edgeCaseGroups() {
        int edge = largestAdmittedPayload();
        List<Case> udp = new ArrayList<>();
        // Entry counts: the share's whole-message bound (76 fit as discards, 77 do not), the schema's 500 and 501.
        for (int n : new int[] {1, 10, 75, 76, 77, 500}) {
            udp.add(new Case("entries-" + n + ".json", List.of(record(small(n))), null, n > 76 ? "Discarded TooLarge" : "Sent 010203"));
        }
        udp.add(new Case("entries-501.json", List.of(record(small(501))), null, "Discarded MalformedMessage"));
        udp.add(new Case("bare-500-small-entries.json", null, small(500), "Discarded TooLarge"));
        // Sizes: the share's per-entry bound, the 60,000 bytes, bad-TooLarge's 65,507-byte sibling and the UDP cap.
        for (int n : new int[] {edge, edge + 3, 60_000, 65_507, 65_508}) {
            udp.add(new Case("payload-" + n + ".json", List.of(record(message(List.of(entry("base64", base64Bytes(n)))))), null,
                    n == edge ? "Sent " + HexFormat.of().formatHex(Base64.getDecoder().decode(base64Bytes(n))) : "Discarded TooLarge"));
        }
        udp.add(new Case("bare-payload-60000.json", null, message(List.of(entry("base64", base64Bytes(60_000)))),
                "Discarded TooLarge"));
        udp.add(new Case("two-halves.json", List.of(record(message(List.of(entry("base64", base64Bytes(edge / 2)),
                entry("base64", base64Bytes(edge / 2)), entry("base64", "AQID"))))), null));
        // The body limit on the SQS record: at it, one past it.
        udp.add(new Case("body-at-limit.json", List.of(envelopeOfSize(262_144)), null, "Sent 010203"));
        udp.add(new Case("body-past-limit.json", List.of(envelopeOfSize(262_145)), null, "Discarded MalformedMessage"));
        // Encodings: '"' escapes twice (Message, then envelope); multibyte UTF-8; hex; ascii past 0x7F.
        udp.add(new Case("bare-quotes-100000.json", null, message(List.of(entry("utf8", "\"".repeat(100_000)))),
                "Discarded MalformedMessage"));
        udp.add(new Case("quotes-4000.json", List.of(record(message(List.of(entry("utf8", "\"".repeat(4_000)))))), null));
        udp.add(new Case("quotes-40000.json", List.of(record(message(List.of(entry("utf8", "\"".repeat(40_000)))))), null));
        udp.add(new Case("utf8-2byte-6000.json", List.of(record(message(List.of(entry("utf8", "é".repeat(6_000)))))), null));
        udp.add(new Case("utf8-3byte-7000.json", List.of(record(message(List.of(entry("utf8", "€".repeat(7_000)))))), null));
        udp.add(new Case("hex-edge.json", List.of(record(message(List.of(entry("hex", "ab".repeat(edge)),
                entry("hex", "ab".repeat(edge + 3)))))), null));
        udp.add(new Case("ascii-high.json", List.of(record(message(List.of(entry("ascii", "caf\u00e9"), entry("ascii", "cafe"))))), null));
        udp.add(new Case("bare-small.json", null, small(2)));

        List<Case> wg = new ArrayList<>();
        wg.add(new Case("wg-cap.json", List.of(record(message(List.of(entry("base64", ipv4Packet(1420)),
                entry("base64", ipv4Packet(1421)))))), null));
        List<Case> decap = new ArrayList<>();
        ObjectNode at = entry("base64", base64Bytes(1392));
        ObjectNode past = entry("base64", base64Bytes(1393));
        for (ObjectNode e : List.of(at, past)) {
            e.putObject("Inner").put("SourceAddress", "10.0.0.1").put("SourcePort", 53)
                    .put("DestinationAddress", "10.0.0.2").put("DestinationPort", 9);
        }
        decap.add(new Case("wg-decap-cap.json", List.of(record(message(List.of(at, past)))), null));
        return List.of(new Group(ListenerType.UDP, AddressFamilies.fromWireName("dual-stack"), null, udp),
                new Group(ListenerType.WG, AddressFamilies.fromWireName("dual-stack"), null, wg),
                new Group(ListenerType.WG_DECAP, AddressFamilies.fromWireName("dual-stack"), null, decap));
    }

    /** The dry run's registry, with the local sender's endpoint on its Listener (LookupSessions needs one). */
    private record WithEndpoint(AtomicReference<Registry> current, String endpoint) implements Registry {
        @Override
        public Optional<PacketSource> packetSource(String topicArn) {
            return current.get().packetSource(topicArn);
        }

        @Override
        public Optional<Listener> listener(String name) {
            return current.get().listener(name).map(l -> new Listener(l.name(), l.type(), l.port(), l.publicAddresses(),
                    l.publicKey(), endpoint, l.families()));
        }
    }
}
