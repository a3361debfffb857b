package com.proxylity.packetsource.cli;

import static com.proxylity.packetsource.cli.ActionableErrorsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.cli.ActionableErrorsTest.Run;
import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.local.customers.LocalCustomerEndpoint;
import com.proxylity.packetsource.local.sns.LocalSnsServer;
import com.proxylity.packetsource.local.sns.TopicFanout;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import com.proxylity.packetsource.local.sqs.EmbeddedSqs;
import com.proxylity.packetsource.local.sqs.Sqs;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The second round of a new operator's and customer's mistakes (issue 22, "Checked by"), each
 * with what the tools now say. The first round is {@link ActionableErrorsTest}.
 */
class NewUserMistakesTest {
    @TempDir
    Path dir;

    private static final String REMOTE = "\"Remote\":{\"Address\":\"203.0.113.7\",\"Port\":5}";

    @Test
    void aLowerCaseDataIsCalledCaseSensitiveNotJustMissing() {
        Run r = run("{\"Messages\":[{\"data\":\"AQ==\"," + REMOTE + "}]}", "dry-run", "-");
        assertEquals(1, r.rc(), r.err());
        assertTrue(r.out().contains("DecodeError  schema: required property 'Data' not found (field names are"
                + " case-sensitive: write 'Data')"), r.out());
    }

    @Test
    void messagesThatIsNotAnArraySaysWhatWasFoundAndExpected() {
        Run r = run("{\"Messages\":{\"Data\":\"AQ==\"," + REMOTE + "}}", "dry-run", "-");
        assertEquals(1, r.rc(), r.err());
        assertTrue(r.out().contains("MalformedMessage  body does not match the schema at $.Messages: object found, array"
                + " expected"), r.out());
    }

    @Test
    void aLowerCaseMessagesIsCalledCaseSensitive() {
        Run r = run("{\"messages\":[{\"Data\":\"AQ==\"," + REMOTE + "}]}", "dry-run", "-");
        assertTrue(r.out().contains("required property 'Messages' not found (field names are case-sensitive: write"
                + " 'Messages')"), r.out());
    }

    @Test
    void base64WrappedOverLinesNamesTheBreakAndWhere() {
        Run r = run("{\"Messages\":[{\"Data\":\"AQID\\nBA==\",\"Formatter\":\"base64\"," + REMOTE + "}]}", "dry-run", "-");
        assertEquals(1, r.rc(), r.err());
        assertTrue(r.out().contains("DecodeError  base64: Data has a space or line break at offset 4; write it as one"
                + " unbroken string"), r.out());
    }

    @Test
    void aMalformedPeerKeySaysWhatAKeyLooksLikeNotTheRegex() {
        String key = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8D="; // 44 characters, but not 32 bytes' encoding
        String inner = "\"Inner\":{\"SourceAddress\":\"10.0.0.1\",\"SourcePort\":53,\"DestinationAddress\":\"10.0.0.2\","
                + "\"DestinationPort\":1}";
        Run r = run("{\"Messages\":[{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"203.0.113.7\",\"Port\":5,\"PeerKey\":\""
                + key + "\"}," + inner + "}]}", "dry-run", "--listener-type", "wg-decap", "-");
        assertEquals(1, r.rc(), r.err());
        assertTrue(r.out().contains("MalformedRemote  Remote.PeerKey is not a WireGuard public key: 44 characters of"
                + " base64 for 32 bytes, as 'wg pubkey' prints it"), r.out());
        assertFalse(r.out().contains("regex"), r.out());
    }

    @Test
    void dryRunOfAMessageLocalModeDeliversSaysWhyLoopbackIsDeniedHere() {
        String message = "{\"Messages\":[{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":9999}}]}";
        Run r = run(message, "dry-run", "-");
        assertEquals(1, r.rc(), r.err());
        assertTrue(r.out().strip().endsWith("note: loopback is denied as on AWS; local mode allows it (--allow 127.0.0.0/8"
                + " checks as local mode does)"), r.out());
        r = run(message, "dry-run", "--allow", "127.0.0.0/8", "-");
        assertEquals(0, r.rc(), r.out());
        assertFalse(r.out().contains("note:"), r.out());
    }

    @Test
    void aTabInTheConfigIsOneLineNamingItsPositionWithoutQuotingTheLine() throws Exception {
        Path cfg = Files.writeString(dir.resolve("local.yaml"),
                "regions: [us-east-1]\nlisteners:\n\t- {name: a, protocol: udp, port: 0, privateKey: secret}\n");
        Run r = run(null, "local", "--config", cfg.toString());
        assertEquals(1, r.rc());
        assertEquals("packet-source local: " + cfg + ": line 3, column 1: a tab character; YAML indents with spaces only",
                r.err().strip());
    }

    @Test
    void aListenerWithoutItsOwnerSaysWhatToAdd() throws Exception {
        Path cfg = Files.writeString(dir.resolve("local.yaml"), "customers:\n  - {id: demo, apiKeySha256: " + "0".repeat(64)
                + ", externalId: psx-demo-local, accounts: [\"000000000000\"]}\nlisteners:\n  - {name: a, protocol: udp}\n"
                + "packetSources:\n  - {topic: t, customer: demo, listener: a}\n");
        Run r = run(null, "local", "--config", cfg.toString());
        assertEquals(1, r.rc());
        assertEquals("packet-source local: " + cfg + ": packet source t: listener a is not assigned to customer demo (its owner:"
                + " none; a Packet Source's customer must be its Listener's owner: give the listener 'owner: demo')", r.err().strip());
    }

    @Test
    void publishingADirectoryNamesItAndWhatToGive() throws Exception {
        Path events = Files.createDirectory(dir.resolve("events"));
        Run r = run(null, "publish", "--endpoint", "http://127.0.0.1:1", "--topic", "t", events.toString());
        assertEquals(1, r.rc());
        assertEquals("packet-source publish: " + events + " is a directory: give the message files in it, e.g. "
                + events.resolve("*.json"), r.err().strip());
    }

    @Test
    void theRetireCommandPrintedAfterALocalRotationGoesToTheSameLocalMode() throws Exception {
        try (LocalCustomerEndpoint endpoint = LocalCustomerEndpoint.start(0, new InMemoryRegistry())) {
            String url = endpoint.endpoint().toString();
            var out = new java.io.ByteArrayOutputStream();
            CommandLine cl = new CommandLine(new com.proxylity.packetsource.local.cmd.CustomerCommand(
                    new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8)));
            assertEquals(0, cl.execute("create", "--local", url, "--id", "acme", "--account", "111122223333"));
            // Created without --listener: said at once, not at the customer's first Create.
            assertTrue(out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("No Listener is assigned to acme yet:"
                    + " its Packet Sources fail with 'Unknown Listener' until one is (packet-source customer assign acme"
                    + " --listener NAME --local " + url + ")."), out.toString());
            out.reset();
            assertEquals(0, cl.execute("rotate-key", "--local", url, "acme"));
            assertFalse(out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("No Listener"), "a rotation changes nothing else");
            assertTrue(out.toString(java.nio.charset.StandardCharsets.UTF_8)
                    .contains("retire the old one:  packet-source customer retire-key acme --local " + url), out.toString());
        }
    }

    @Test
    void aListenerIsAssignedAfterCreateWithoutRecreatingTheCustomer() throws Exception {
        InMemoryRegistry registry = new InMemoryRegistry();
        registry.put(new Listener("edge", ListenerType.UDP, 5683, List.of(), null, null, AddressFamilies.IPV4, null));
        registry.put(new Listener("theirs", ListenerType.UDP, 5684, List.of(), null, null, AddressFamilies.IPV4, "other"));
        try (LocalCustomerEndpoint endpoint = LocalCustomerEndpoint.start(0, registry)) {
            String url = endpoint.endpoint().toString();
            var out = new java.io.ByteArrayOutputStream();
            CommandLine cl = new CommandLine(new com.proxylity.packetsource.local.cmd.CustomerCommand(
                    new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8)));
            StringWriter err = new StringWriter();
            cl.setErr(new java.io.PrintWriter(err, true));
            assertEquals(0, cl.execute("create", "--local", url, "--id", "acme", "--account", "111122223333"));
            assertEquals(0, cl.execute("assign", "acme", "--listener", "edge", "--local", url), err.toString());
            assertEquals("acme", registry.listener("edge").orElseThrow().owner());
            // Another customer's Listener is refused, and nothing is assigned.
            assertEquals(1, new CommandLine(new com.proxylity.packetsource.local.cmd.CustomerCommand())
                    .execute("assign", "acme", "--listener", "theirs", "--local", url));
            assertEquals("other", registry.listener("theirs").orElseThrow().owner());
        }
    }

    @Test
    void noCredentialsIsOneLineThatNamesTheLocalOption() {
        // The SDK's own exception, from a chain that finds nothing (no environment, no network).
        SdkClientException none = assertThrows(SdkClientException.class, () -> AwsCredentialsProviderChain.of(
                ProfileCredentialsProvider.builder().profileFile(ProfileFile.builder()
                        .content(Path.of("/dev/null")).type(ProfileFile.Type.CREDENTIALS).build()).build())
                .resolveCredentials());
        assertTrue(none.getMessage().startsWith("Unable to load credentials"), none.getMessage());
        CommandLine retire = PacketSourceCli.commandLine().getSubcommands().get("customer").getSubcommands().get("retire-key");
        assertEquals("no AWS credentials: this command went to AWS, and the SDK's default chain (AWS_ACCESS_KEY_ID and"
                        + " AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, a container or instance role) found none;"
                        + " for local mode give --local URL (the endpoint 'packet-source local' prints)",
                PacketSourceCli.describe(none) + PacketSourceCli.localHint(none, retire));
        CommandLine replay = PacketSourceCli.commandLine().getSubcommands().get("replay");
        assertTrue(PacketSourceCli.localHint(none, replay).contains("give --endpoint URL"));
    }

    @Test
    void publishingToATopicLocalModeDoesNotHaveNamesItAndWhereTopicsAreListed() throws Exception {
        Path m = Files.writeString(dir.resolve("m.json"), "{\"Messages\":[{\"Data\":\"AQ==\"," + REMOTE + "}]}");
        try (EmbeddedSqs embedded = EmbeddedSqs.start(0, "us-east-1");
             SqsClient sqs = Sqs.client(embedded.endpoint(), "us-east-1")) {
            DeliveryQueues queues = DeliveryQueues.create(sqs, List.of("us-east-1"), 30, 3);
            try (LocalSnsServer server = LocalSnsServer.start(0, new TopicFanout(
                    Set.of("arn:aws:sns:us-east-1:000000000000:orders"), queues, Clock.systemUTC()))) {
                // The config's snsRegion is us-east-1; the customer took its delivery region for it.
                Run r = run(null, "publish", "--endpoint", server.endpoint().toString(), "--sns-region", "eu-west-1",
                        "--topic", "orders", "--egress-region", "eu-west-1", m.toString());
                assertEquals(1, r.rc());
                assertTrue(r.err().strip().endsWith("packet-source publish: no topic arn:aws:sns:eu-west-1:000000000000:orders at "
                        + server.endpoint() + " (local mode prints its topics at start as 'topic'; --sns-region must be the"
                        + " config's snsRegion)"), r.err());

                // A message the pipeline will discard is still published (SNS takes it), but said so first.
                Path lower = Files.writeString(dir.resolve("lower.json"), "{\"Messages\":[{\"data\":\"AQ==\"," + REMOTE + "}]}");
                Path port = Files.writeString(dir.resolve("port.json"),
                        "{\"Messages\":[{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"203.0.113.7\",\"Port\":65536}}]}");
                r = run(null, "publish", "--endpoint", server.endpoint().toString(), "--topic", "orders", "--egress-region",
                        "us-east-1", m.toString(), lower.toString(), port.toString());
                assertEquals(0, r.rc(), r.err());
                assertEquals(List.of(
                        "packet-source publish: warning: " + lower.getFileName() + ": entry 0 will be discarded as DecodeError: schema: required"
                                + " property 'Data' not found (field names are case-sensitive: write 'Data')",
                        "packet-source publish: warning: " + port.getFileName() + ": entry 0 will be discarded as MalformedRemote: schema:"
                                + " Remote.Port: must have a maximum value of 65535",
                        "packet-source publish: warning: bin/packet-source dry-run FILE... shows every entry's outcome"),
                        r.err().strip().lines().toList());
                assertEquals(3, queues.depth(queues.of("us-east-1").url()), "all three published");
            }
        }
    }

    @Test
    void publishAndReplayAgainstAStoppedLocalModeNameTheEndpoint() throws Exception {
        Path m = Files.writeString(dir.resolve("m.json"), "{\"Messages\":[{\"Data\":\"AQ==\"," + REMOTE + "}]}");
        String dead = "http://127.0.0.1:" + ActionableErrorsTest.closedPort();
        Run r = run(null, "publish", "--endpoint", dead, "--topic", "orders", "--egress-region", "us-east-1", m.toString());
        assertEquals(1, r.rc());
        assertEquals("packet-source publish: the SNS endpoint " + dead + " does not answer: is 'packet-source local' running?"
                + " It prints the endpoint as 'SNS endpoint'", r.err().strip());
        r = run(null, "replay", "--endpoint", dead, "--dlq-region", "us-east-1");
        assertEquals(1, r.rc());
        assertEquals("packet-source replay: the SQS endpoint " + dead + " does not answer: is 'packet-source local' running?"
                + " It prints the endpoint as 'SQS endpoint'", r.err().strip());
    }

    @Test
    void usageForOneDayWithTheSameDayTwiceSaysWhatToWrite() {
        Run r = run(null, "usage", "--local", "http://127.0.0.1:1", "--from", "2026-12-06", "--to", "2026-12-06");
        assertEquals(1, r.rc());
        assertEquals("packet-source usage: --to must be after --from (--to is exclusive: for 2026-12-06 alone, --to"
                + " 2026-12-07)", r.err().strip());
        r = run(null, "usage", "--local", "http://127.0.0.1:1", "--from", "2026-12-06T23Z", "--to", "2026-12-06T23Z");
        assertTrue(r.err().contains("for 2026-12-06T23Z alone, --to 2026-12-07T00Z"), r.err());
    }
}
