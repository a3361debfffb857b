package com.proxylity.packetsource.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.contract.ContractLimits;
import com.proxylity.packetsource.core.contract.Json;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.contract.MalformedMessageException;
import com.proxylity.packetsource.core.contract.MessageSchema;
import com.proxylity.packetsource.core.contract.SnsEnvelope;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.egresspolicy.IpLiteral;
import com.proxylity.packetsource.core.pipeline.FormatStage;
import com.proxylity.packetsource.core.pipeline.PurePipeline;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import com.proxylity.packetsource.core.pipeline.ValidateStage;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.testevents.TestEvents;
import com.proxylity.packetsource.core.testevents.TestSigning;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Any bytes through the SNS envelope, the message body and the Validate and Format stages
 * (issue 9, "Tools that keep them closed"). Properties, for every input:
 * <ul>
 *   <li>no exception escapes;</li>
 *   <li>the record ends as exactly one message-level outcome, or as exactly one outcome per
 *       entry of its {@code Messages} array, in order;</li>
 *   <li>every Sent is re-judged: its address is a literal the production policy permits, and an
 *       independent reading of its raw bytes ({@link KernelDestination}) finds no non-public
 *       destination however the socket and the path would interpret them; port, key and size
 *       are within the contract.</li>
 * </ul>
 * Without {@code JAZZER_FUZZ} this replays the seeds in {@code PipelineFuzzTestInputs/} (built from
 * {@code test-events/} and the denied address spellings); see docs/fuzzing.md.
 */
class PipelineFuzzTest {
    private static final TestEvents EVENTS = TestEvents.load();
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-25T08:01:00Z"), ZoneOffset.UTC);
    private static final InMemoryRegistry REGISTRY = EVENTS.registry();
    private static final DefaultEgressPolicy POLICY = DefaultEgressPolicy.standard();
    private static final ValidateStage VALIDATE = new ValidateStage(REGISTRY, EVENTS.region(), NOW, new MessageSchema(),
            TestSigning.get().verifier());
    private static final PurePipeline PIPELINE = new PurePipeline(VALIDATE, TestEvents.admit(), new FormatStage(POLICY));
    private static final List<String> LISTENERS = List.of("udp-listener", "wg-listener", "decap-listener", "udp-ipv4-listener");
    private static final String MESSAGE_ID = "fuzz-0000";

    /** The bytes are an SQS record body (the SNS envelope). */
    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"\"Type\":\"Notification\"", "\"TopicArn\":\"arn:aws:sns:us-west-2:111122223333:iot-udp\"",
            "\"Message\":", "\"Timestamp\":\"2026-11-25T08:00:00.000Z\"", "\"MessageAttributes\":",
            "{\"EgressRegion\":{\"Type\":\"String\",\"Value\":\"us-west-2\"}}", "\\\"Messages\\\":[",
            "\\\"Remote\\\":{\\\"Address\\\":\\\"", "\\\"Port\\\":", "\"SubscribeURL\"", "\"Token\""})
    void snsRecord(byte[] input) {
        String body = new String(input, StandardCharsets.UTF_8);
        List<PurePipeline.Outcome> outcomes = PIPELINE.run(List.of(new SqsRecord(MESSAGE_ID, body)));
        Optional<Target> target = envelopeTarget(body);
        check(outcomes, target.map(Target::message).orElse(null), target.map(Target::listener).orElse(null));
    }

    /**
     * The first byte picks the Listener (udp, wg, wg-decap: dual-stack; udp: IPv4 only), the rest is the message body
     * (the SNS Message): the fast way into the entry checks and formatters.
     */
    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"{\"Messages\":[", "\"Data\":", "\"Formatter\":\"coap\"", "\"Formatter\":\"hex\"",
            "\"Formatter\":\"utf8\"", "\"Formatter\":\"ascii\"", "\"Remote\":{\"Address\":\"", "\"Port\":",
            "\"PeerKey\":\"", "\"Inner\":{\"SourceAddress\":\"", "\"DestinationAddress\":\"", "\"SourcePort\":",
            "\"DestinationPort\":", "::ffff:", "::ffff:0:", "64:ff9b::", "64:ff9b:1::", "2002:", "2001:0:",
            "fe80::", "fd00:ec2::254", "169.254.169.254", "100::", "%eth0", "\"Options\":[{\"Number\":"})
    void messageBody(byte[] input) {
        if (input.length == 0) return;
        Listener listener = REGISTRY.listener(LISTENERS.get((input[0] & 0xFF) % LISTENERS.size())).orElseThrow();
        String body = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        PacketSource source = new PacketSource("arn:aws:sns:us-west-2:111122223333:fuzz", listener.name(), true, null, 0, 0);
        List<PurePipeline.Outcome> outcomes = PIPELINE.runBody(MESSAGE_ID, body, source, listener);
        check(outcomes, body, listener);
    }

    private record Target(String message, Listener listener) {}

    /** The message and Listener a Notification would be judged against, when the envelope names them. */
    private static Optional<Target> envelopeTarget(String body) {
        try {
            SnsEnvelope env = SnsEnvelope.parse(body);
            return REGISTRY.packetSource(env.topicArn())
                    .flatMap(ps -> REGISTRY.listener(ps.listenerName()))
                    .map(l -> new Target(env.message(), l));
        } catch (MalformedMessageException e) {
            return Optional.empty();
        }
    }

    static void check(List<PurePipeline.Outcome> outcomes, String message, Listener listener) {
        assertNotNull(outcomes);
        assertTrue(!outcomes.isEmpty(), "every record has an outcome");
        if (outcomes.size() == 1 && outcomes.get(0).id().equals(MESSAGE_ID)) {
            assertTrue(!(outcomes.get(0) instanceof PurePipeline.Packet), "a message-level outcome is never a packet");
            return;
        }
        int entries = entryCount(message);
        assertEquals(entries, outcomes.size(), "one outcome per entry");
        for (int i = 0; i < entries; i++) {
            PurePipeline.Outcome o = outcomes.get(i);
            assertEquals(MESSAGE_ID + "/" + i, o.id(), "outcomes in entry order, each once");
            if (o instanceof PurePipeline.Packet p) checkSent(p.packet(), listener);
            else if (o instanceof PurePipeline.Discarded d) assertNotNull(d.discard().reason());
            else fail("an entry cannot be a control message");
        }
    }

    private static int entryCount(String message) {
        assertNotNull(message, "per-entry outcomes need a readable message");
        try {
            ContractLimits.checkSize(message, "Message");
            JsonNode root = Json.read(message, "Message");
            JsonNode list = root.get("Messages");
            assertTrue(list != null && list.isArray(), "per-entry outcomes need a Messages array");
            return list.size();
        } catch (MalformedMessageException e) {
            throw new AssertionError("entries produced from a message that does not parse", e);
        }
    }

    static void checkSent(ReadyPacket p, Listener listener) {
        assertNotNull(listener);
        assertEquals(listener.name(), p.listener());
        assertEquals(listener.type(), p.listenerType());
        Optional<InetAddress> address = IpLiteral.parse(p.address());
        assertTrue(address.isPresent(), "a Sent address is a literal");
        assertTrue(POLICY.permits(address.get()), () -> "policy denies a Sent address " + p.address());
        byte[] raw = IpLiteral.parseBytes(p.address()).orElseThrow();
        String why = KernelDestination.denial(raw, listener.families().reachesIpv4(), listener.families().reachesIpv6());
        assertNull(why, () -> "Sent to " + p.address() + ": " + why);
        assertTrue(p.port() >= 1 && p.port() <= 0xFFFF, "port in range");
        assertNotNull(p.payload());
        assertTrue(p.payload().length <= p.listenerType().maxInnerPacket(), "payload within the Listener's cap");
        if (p.listenerType() == ListenerType.UDP) {
            assertNull(p.peerKey());
        } else {
            assertEquals(32, Base64.getDecoder().decode(p.peerKey()).length, "a WireGuard packet names a 32-byte key");
            int version = p.payload().length == 0 ? 0 : (p.payload()[0] & 0xFF) >>> 4;
            assertTrue(version == 4 || version == 6, "a WireGuard payload is an IP packet");
        }
    }
}
