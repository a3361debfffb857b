package com.proxylity.packetsource.core.testevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.pipeline.AdmitStage;
import com.proxylity.packetsource.core.pipeline.PurePipeline;
import com.proxylity.packetsource.core.pipeline.RateLimiter;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared fixture over {@code test-events/} and its manifest {@code expected.json}: other
 * modules (pipeline, local mode, cli) reuse it through the core test-jar to check their paths
 * against the same expectations.
 */
public final class TestEvents {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Above this, outcomes compare by length and SHA-256 (as expected.json writes them). */
    public static final int HEX_LIMIT = 4096;

    private final Path dir;
    private final JsonNode manifest;

    private TestEvents(Path dir) {
        this.dir = dir;
        try {
            this.manifest = MAPPER.readTree(dir.resolve("expected.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Finds {@code test-events/} from env PACKET_SOURCE_ROOT or by walking up from the working directory. */
    public static TestEvents load() {
        String root = System.getenv("PACKET_SOURCE_ROOT");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isRegularFile(q.resolve("test-events/expected.json"))) return new TestEvents(q.resolve("test-events"));
        }
        throw new IllegalStateException("test-events/expected.json not found above " + p);
    }

    public Path dir() { return dir; }

    public JsonNode manifest() { return manifest; }

    public String region() { return manifest.path("registry").path("region").asText(); }

    public List<String> files() {
        List<String> names = new ArrayList<>();
        manifest.get("files").fieldNames().forEachRemaining(names::add);
        return names;
    }

    public Path path(String file) { return dir.resolve(file); }

    public ListenerType listenerType(String file) {
        return ListenerType.fromWireName(manifest.get("files").get(file).get("listenerType").asText());
    }

    /** The address families the dry run's Listener must be given for this file. */
    public AddressFamilies listenerFamilies(String file) {
        return AddressFamilies.fromWireName(manifest.get("files").get(file).get("listenerFamilies").asText());
    }

    /** The source default formatter the dry run must be given for this file, or null. */
    public String formatter(String file) {
        JsonNode f = manifest.get("files").get(file).get("formatter");
        return f == null || f.isNull() ? null : f.asText();
    }

    /** Expected outcomes (Id to manifest form) with the registry of the manifest. */
    public Map<String, JsonNode> expected(String file) {
        return byId(manifest.get("files").get(file).get("outcomes"));
    }

    /** Expected outcomes of the dry run (every topic accepted). */
    public Map<String, JsonNode> expectedDryRun(String file) {
        JsonNode f = manifest.get("files").get(file);
        return byId(f.has("dryRunOutcomes") ? f.get("dryRunOutcomes") : f.get("outcomes"));
    }

    private static Map<String, JsonNode> byId(JsonNode list) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        list.forEach(o -> out.put(o.get("Id").asText(), o));
        return out;
    }

    public List<SqsRecord> records(String file) {
        try {
            JsonNode root = MAPPER.readTree(path(file).toFile());
            JsonNode records = root.isArray() ? root : root.get("Records");
            List<SqsRecord> out = new ArrayList<>();
            records.forEach(r -> out.add(new SqsRecord(r.get("messageId").asText(), r.get("body").asText())));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The registry the manifest describes (listeners and Packet Sources). */
    public InMemoryRegistry registry() {
        InMemoryRegistry r = new InMemoryRegistry();
        JsonNode reg = manifest.get("registry");
        reg.get("listeners").forEach(l -> r.put(new Listener(l.get("Name").asText(),
                ListenerType.fromWireName(l.get("Type").asText()), 0, List.of(), null, null,
                AddressFamilies.fromWireName(l.get("AddressFamilies").asText()))));
        reg.get("sources").forEach(s -> r.put(new PacketSource(s.get("TopicArn").asText(), s.get("Listener").asText(),
                s.get("Enabled").asBoolean(), s.get("Formatter").isNull() ? null : s.get("Formatter").asText(),
                s.get("MaxAgeSeconds").asLong(), 0)));
        return r;
    }

    /**
     * The Admit step the manifest's outcomes assume: the state budget of a Pipe batch of one
     * message (bad-TooLarge.json's 65,507-byte payload reaches Format's cap only with that share;
     * at the deployed batch size of 10 the budget refuses it first), no rate limit.
     */
    public static AdmitStage admit() {
        return new AdmitStage(new StateBudget(1), RateLimiter.UNLIMITED);
    }

    /** An outcome in the manifest's form, for equality checks. */
    public static ObjectNode manifestForm(PurePipeline.Outcome o) {
        ObjectNode n = MAPPER.createObjectNode().put("Id", o.id());
        if (o instanceof PurePipeline.Packet p) {
            sent(n, p.packet().payload());
        } else if (o instanceof PurePipeline.Discarded d) {
            n.put("Outcome", "Discarded").put("Reason", d.discard().reason().name());
        } else if (o instanceof PurePipeline.ControlMessage c) {
            n.put("Outcome", "Control").put("Type", c.control().type());
        }
        return n;
    }

    public static ObjectNode sent(ObjectNode n, byte[] payload) {
        n.put("Outcome", "Sent");
        if (payload.length > HEX_LIMIT) {
            n.put("PayloadLength", payload.length).put("PayloadSha256", sha256(payload));
        } else {
            n.put("PayloadHex", HexFormat.of().formatHex(payload));
        }
        return n;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
