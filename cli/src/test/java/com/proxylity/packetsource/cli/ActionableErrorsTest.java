package com.proxylity.packetsource.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.local.sqs.EmbeddedSqs;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Each mistake a new operator or customer made, and the one line that now tells them what to do,
 * under the one prefix {@code packet-source <command>:}.
 */
class ActionableErrorsTest {
    @TempDir
    Path dir;

    record Run(int rc, String out, String err) {}

    static Run run(String stdin, String... args) {
        CommandLine cl = PacketSourceCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        if (stdin != null) {
            DryRunCommand d = cl.getSubcommands().get("dry-run").getCommand();
            d.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        }
        int rc = cl.execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aConfigTypoNamesTheFieldItsLineAndTheNearestKnownOne() throws Exception {
        Path cfg = Files.writeString(dir.resolve("local.yaml"),
                "regions: [us-east-1]\nqueues:\n  visibilityTimeoutSeconds: 5\n  maxRecieveCount: 3\n  batchSize: 10\n");
        Run r = run(null, "local", "--config", cfg.toString());
        assertEquals(1, r.rc());
        assertEquals("packet-source local: " + cfg + ": line 4: unknown field 'maxRecieveCount' in queues (did you mean"
                + " maxReceiveCount?); known: visibilityTimeoutSeconds, maxReceiveCount, batchSize", r.err().strip());
    }

    @Test
    void aValueARecordRefusesNamesItsLine() throws Exception {
        Path cfg = Files.writeString(dir.resolve("local.yaml"), "queues:\n  maxReceiveCount: 0\n");
        Run r = run(null, "local", "--config", cfg.toString());
        assertEquals(1, r.rc());
        assertTrue(r.err().startsWith("packet-source local: " + cfg + ": line "), r.err());
        assertTrue(r.err().contains("queues.maxReceiveCount must be 1..1000"), r.err());
    }

    @Test
    void aListenerPortClashNamesThePort() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Path cfg = Files.writeString(dir.resolve("local.yaml"),
                    "listeners:\n  - {name: edge, protocol: udp, port: " + taken.getLocalPort() + "}\n");
            Run r = run(null, "local", "--config", cfg.toString());
            assertEquals(1, r.rc());
            assertTrue(r.err().startsWith("packet-source local: Listener edge: cannot bind UDP port " + taken.getLocalPort()
                    + " on 127.0.0.1: "), r.err());
            assertTrue(r.err().contains("Address already in use"), r.err());
        }
    }

    @Test
    void aLocalEndpointPortClashNamesThePortAndItsSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path cfg = Files.writeString(dir.resolve("local.yaml"), "ports: {sns: " + taken.getLocalPort() + "}\n");
            Run r = run(null, "local", "--config", cfg.toString());
            assertEquals(1, r.rc());
            assertTrue(r.err().startsWith("packet-source local: cannot bind the local SNS endpoint to 127.0.0.1:"
                    + taken.getLocalPort() + ": "), r.err());
            assertTrue(r.err().strip().endsWith("(ports.sns in the config; 0 picks a free one)"), r.err());
        }
    }

    @Test
    void replayInTheWrongRegionNamesTheQueueItLookedFor() {
        try (EmbeddedSqs sqs = EmbeddedSqs.start(0, "us-east-1")) {
            Run r = run(null, "replay", "--endpoint", sqs.endpoint().toString(), "--dlq-region", "eu-west-1");
            assertEquals(1, r.rc());
            assertTrue(r.err().startsWith("packet-source replay: no queue packet-source-delivery-eu-west-1-dlq at "
                    + sqs.endpoint() + " (local mode: each region's DLQ is on that region's own SQS endpoint"), r.err());
        }
    }

    @Test
    void resourceAgainstADeadEndpointNamesIt() throws Exception {
        Path props = Files.writeString(dir.resolve("p.json"), "{\"ApiKey\":\"x\"}");
        int port = closedPort();
        Run r = run(null, "resource", "create", "--endpoint", "http://127.0.0.1:" + port, props.toString());
        assertEquals(1, r.rc());
        assertEquals("packet-source resource: the provider endpoint http://127.0.0.1:" + port + "/ does not answer: is"
                + " 'packet-source local' running? It prints the endpoint as 'provider'", r.err().strip());
    }

    @Test
    void aSubcommandsErrorCarriesItsWholeName() throws Exception {
        int port = closedPort();
        Run r = run(null, "customer", "rotate-key", "acme", "--local", "http://127.0.0.1:" + port);
        assertEquals(1, r.rc());
        assertTrue(r.err().startsWith("packet-source customer rotate-key: local mode's customers endpoint http://127.0.0.1:"
                + port + " did not answer"), r.err());
        r = run(null, "publish", "--topic", "t", dir.resolve("m.json").toString());
        assertEquals("packet-source publish: --topic needs --endpoint (use --topic-arn for real SNS)", r.err().strip());
    }

    @Test
    void dryRunReadsStandardInputAndSaysWhatIsWrongWithAnAddress() {
        String message = "{\"Messages\":[{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"device.example.com\",\"Port\":5}},"
                + "{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"10.1.2.3\",\"Port\":5}},"
                + "{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"169.254.169.254\",\"Port\":5}}]}";
        Run r = run(message, "dry-run", "-");
        assertEquals(1, r.rc(), r.err());
        assertTrue(r.out().contains("MalformedRemote  Remote.Address is a host name: only IPv4 and IPv6 literals are"
                + " allowed (Packet Source never resolves names)"), r.out());
        assertTrue(r.out().contains("EgressDenied  Remote.Address is in 10.0.0.0/8 private (RFC 1918)"), r.out());
        assertTrue(r.out().contains("EgressDenied  Remote.Address is in 169.254.0.0/16 link-local incl. instance metadata"
                + " 169.254.169.254 (RFC 3927)"), r.out());
    }
}
