package com.proxylity.packetsource.local.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.local.LocalMode;
import com.proxylity.packetsource.local.cmd.PublishCommand;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code publish} against local mode says, before SNS silently drops them, which messages no
 * queue will take; and {@code --batch} fits SNS's 256 KiB batch limit instead of failing all.
 */
class PublishWarningsTest {
    static LocalMode local;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        String yaml = "regions: [us-east-1, eu-west-1]\nlisteners: [{name: u}]\npacketSources: [{topic: t, listener: u, formatter: utf8}]\n"
                + "customerTopics: [fresh]\n";
        local = LocalMode.start(LocalConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))), WireGuardPorts.NONE, null);
    }

    @AfterAll
    static void stop() {
        if (local != null) local.close();
    }

    record Run(int rc, String out, String err) {}

    Run publish(String... args) {
        CommandLine cl = new CommandLine(new PublishCommand());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            List<String> all = new ArrayList<>(List.of("--endpoint", local.stack().snsEndpoint().toString(), "--topic", "t"));
            all.addAll(List.of(args));
            int rc = cl.execute(all.toArray(String[]::new));
            return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    Path envelope(String name, String attribute, String region) throws Exception {
        String inner = "{\"Messages\":[{\"Data\":\"x\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":9}}]}";
        String env = "{\"Type\":\"Notification\",\"TopicArn\":\"arn:aws:sns:us-east-1:111122223333:x\",\"Message\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(inner) + ",\"MessageAttributes\":{\"" + attribute
                + "\":{\"Type\":\"String\",\"Value\":\"" + region + "\"}}}";
        return Files.writeString(dir.resolve(name), env);
    }

    @Test
    void aMisspeltAttributeAndARegionNoQueueServesAreWarnedAbout() throws Exception {
        Run r = publish(envelope("lower.json", "egressRegion", "us-east-1").toString(),
                envelope("west.json", "EgressRegion", "us-west-2").toString(),
                envelope("good.json", "EgressRegion", "eu-west-1").toString());
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.err().contains("packet-source publish: warning: 1 message(s) carry the attribute 'egressRegion', not"
                + " 'EgressRegion' (names are case-sensitive)"), r.err());
        assertTrue(r.err().contains("packet-source publish: warning: 1 message(s) have no EgressRegion attribute"), r.err());
        assertTrue(r.err().contains("packet-source publish: warning: 1 message(s) name EgressRegion 'us-west-2', a region no"
                + " delivery queue subscribed to this topic serves (served: eu-west-1, us-east-1)"), r.err());
        assertEquals(3, r.err().lines().count(), r.err());

        Run clean = publish("--egress-region", "us-east-1", envelope("again.json", "EgressRegion", "us-west-2").toString());
        assertEquals("", clean.err(), "--egress-region overrides the envelope's, and us-east-1 is served");
    }

    @Test
    void aTopicNoQueueIsSubscribedToIsNamed() throws Exception {
        CommandLine cl = new CommandLine(new PublishCommand());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute("--endpoint", local.stack().snsEndpoint().toString(), "--topic", "fresh", "--egress-region",
                "us-east-1", envelope("fresh.json", "EgressRegion", "us-east-1").toString());
        assertEquals(0, rc, err.toString());
        assertEquals("packet-source publish: warning: no delivery queue is subscribed to this topic: SNS accepts every message"
                + " and delivers none (is its Packet Source created, and its subscriptions confirmed?)", err.toString().strip());
    }

    @Test
    void checksWithoutTheServedRegionsFallBackToTheRegionNames() {
        var m = List.of(new MessageFiles.Outgoing("a", "{}", Map.of("EgressRegion", "us-est-1")));
        List<String> w = PublishChecks.warnings(m, null, java.util.Optional.empty(), Set.of("us-east-1"));
        assertEquals(List.of("1 message(s) name EgressRegion 'us-est-1', which is not an AWS region: SNS accepts them and"
                + " delivers them nowhere"), w);
        assertEquals(List.of(), PublishChecks.warnings(m, "us-east-1", java.util.Optional.empty(), Set.of("us-east-1")));
    }

    @Test
    void batchFitsSnssByteLimitInsteadOfFailingAll() throws Exception {
        List<String> args = new ArrayList<>(List.of("--batch", "--egress-region", "us-east-1"));
        for (int i = 0; i < 4; i++) {
            // Four messages of ~100 KiB: any three together are over the 256 KiB a PublishBatch takes.
            args.add(Files.writeString(dir.resolve("big" + i + ".json"), "{\"Messages\":[],\"Pad\":\""
                    + "y".repeat(100_000) + "\"}").toString());
        }
        Run r = publish(args.toArray(String[]::new));
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("published 4 message(s)"), r.out());
        assertEquals(List.of(List.of(0, 1), List.of(2, 3)), Publisher.batches(sizes(4, 110_000), "us-east-1"));
        assertEquals(List.of(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), List.of(10)), Publisher.batches(sizes(11, 10), "us-east-1"));
    }

    static List<MessageFiles.Outgoing> sizes(int n, int bytes) {
        List<MessageFiles.Outgoing> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new MessageFiles.Outgoing("m" + i, "x".repeat(bytes), null));
        return out;
    }
}
