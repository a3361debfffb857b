package com.proxylity.packetsource.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.local.cmd.PublishCommand;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.publish.MessageFiles;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code publish} with bare bodies and test-events style SQS events, Publish and PublishBatch. */
class PublishCommandTest {
    @TempDir
    Path dir;

    @Test
    void testEventsAreReadAsTheirSnsMessageAndAttributes() throws Exception {
        List<MessageFiles.Outgoing> m = MessageFiles.read(Path.of("..", "test-events", "udp-base64.json"));
        assertEquals(1, m.size());
        assertTrue(m.get(0).message().startsWith("{\"Messages\":"));
        assertEquals("us-west-2", m.get(0).attributes().get("EgressRegion"));
    }

    @Test
    void theTestEventsManifestIsNotAMessage() throws Exception {
        assertEquals(List.of(), MessageFiles.read(Path.of("..", "test-events", "expected.json")));
    }

    @Test
    void publishesFilesToTheLocalStack() throws Exception {
        String yaml = "regions: [us-east-1]\nlisteners: [{name: u}]\npacketSources: [{topic: t, listener: u, formatter: utf8}]\n";
        LocalConfig cfg = LocalConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        try (LocalMode local = LocalMode.start(cfg, WireGuardPorts.NONE, null);
             DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            receiver.setSoTimeout(15_000);
            String remote = "\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":" + receiver.getLocalPort() + "}";
            Path bare = Files.writeString(dir.resolve("bare.json"), "{\"Messages\":[{\"Data\":\"bare\"," + remote + "}]}");
            String inner = "{\"Messages\":[{\"Data\":\"from-event\"," + remote + "}]}";
            String envelope = "{\"Type\":\"Notification\",\"TopicArn\":\"arn:aws:sns:us-west-2:111122223333:x\",\"Message\":"
                    + com.fasterxml.jackson.databind.node.TextNode.valueOf(inner) + ",\"MessageAttributes\":{\"EgressRegion\":{\"Type\":\"String\",\"Value\":\"us-west-2\"}}}";
            Path event = Files.writeString(dir.resolve("event.json"), "{\"Records\":[{\"body\":"
                    + com.fasterxml.jackson.databind.node.TextNode.valueOf(envelope) + "}]}");
            for (String mode : List.of("--no-batch", "--batch")) {
                List<String> args = new java.util.ArrayList<>(List.of("--endpoint", local.stack().snsEndpoint().toString(),
                        "--topic", "t", "--region", "us-east-1", bare.toString(), event.toString()));
                if (mode.equals("--batch")) args.add(0, "--batch");
                assertEquals(0, new CommandLine(new PublishCommand()).execute(args.toArray(String[]::new)));
                Set<String> got = new HashSet<>();
                for (int i = 0; i < 2; i++) {
                    DatagramPacket p = new DatagramPacket(new byte[100], 100);
                    receiver.receive(p);
                    got.add(new String(Arrays.copyOf(p.getData(), p.getLength()), StandardCharsets.UTF_8));
                }
                assertEquals(Set.of("bare", "from-event"), got);
            }
            // Without --region the event keeps its own EgressRegion (us-west-2, not configured): filtered.
            long filtered = local.stack().fanout().filtered();
            assertEquals(0, new CommandLine(new PublishCommand()).execute("--endpoint", local.stack().snsEndpoint().toString(),
                    "--topic", "t", event.toString()));
            assertEquals(filtered + 1, local.stack().fanout().filtered());
            // A bare message without --region has no EgressRegion at all: published, filtered, and said so.
            java.io.PrintStream stderr = System.err;
            java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
            System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
            int exit;
            try {
                exit = new CommandLine(new PublishCommand()).execute("--endpoint", local.stack().snsEndpoint().toString(),
                        "--topic", "t", bare.toString());
            } finally {
                System.setErr(stderr);
            }
            assertEquals(0, exit, captured.toString(StandardCharsets.UTF_8));
            assertTrue(captured.toString(StandardCharsets.UTF_8).contains("1 message(s) have no EgressRegion attribute and no --egress-region"),
                    captured.toString(StandardCharsets.UTF_8));
            assertEquals(filtered + 2, local.stack().fanout().filtered());
        }
    }
}
