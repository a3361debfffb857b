package com.proxylity.packetsource.local.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.local.LocalMode;
import com.proxylity.packetsource.local.LocalWireGuard;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.publish.MessageFiles;
import com.proxylity.packetsource.local.publish.Publisher;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.LinkedHashMap;

/**
 * {@code packet-source demo}: starts local mode with the built-in config, a UDP receiver on
 * 127.0.0.1, publishes good and bad examples with the real SnsClient, and shows what arrived
 * next to what was published. Passes only if every good example's datagram arrived with its exact
 * bytes and every bad example was counted under its own discard reason (or filtered by SNS).
 */
public final class Demo {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long WAIT_MS = 30_000;

    private final PrintStream out;
    /** Datagrams that did not come from the Listener's port (any is a failure). */
    private final List<byte[]> strangers = new CopyOnWriteArrayList<>();

    public Demo(PrintStream out) {
        this.out = out;
    }

    public boolean run(PrintStream senderDiagnostics) throws IOException, InterruptedException {
        LocalConfig config = LocalConfig.builtIn();
        String region = config.regions().get(0);
        List<DemoExample> examples = DemoExamples.all(region);
        try (LocalMode mode = LocalMode.start(config, LocalWireGuard.ports(), senderDiagnostics);
             DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            List<byte[]> received = new CopyOnWriteArrayList<>();
            int listenerPort = mode.sender().listenerPorts().get("demo-udp");
            Thread rx = new Thread(() -> receive(receiver, listenerPort, received, strangers), "demo-receiver");
            rx.setDaemon(true);
            rx.start();
            out.println("Packet Source demo: local stack on 127.0.0.1 (SNS " + mode.stack().snsEndpoint()
                    + ", listener demo-udp port " + mode.sender().listenerPorts().get("demo-udp")
                    + ", receiver port " + receiver.getLocalPort() + ")");
            out.println("WireGuard Listener demo-wg (DecapsulatedDelivery) public key " + mode.sender().publicKeys().get("demo-wg")
                    + ": no peer here, so its examples are discards; a real tunnel: docs/local-mode.md.");
            long deadline = System.currentTimeMillis() + WAIT_MS;
            publish(mode, config, examples.stream().filter(DemoExample::good).toList(), receiver.getLocalPort());
            // One at a time, each waited for: then the discard (or the filtering) that follows is that example's own.
            Map<DemoExample, String> outcomes = new LinkedHashMap<>();
            for (DemoExample e : examples) {
                if (e.good()) continue;
                long seq = lastDiscard(mode);
                long filtered = mode.stack().fanout().filtered();
                publish(mode, config, List.of(e), receiver.getLocalPort());
                String outcome = null;
                while (outcome == null && System.currentTimeMillis() < deadline) {
                    outcome = outcomeAfter(mode, seq, filtered);
                    if (outcome == null) Thread.sleep(20);
                }
                outcomes.put(e, outcome == null ? "(nothing within " + WAIT_MS / 1000 + " s)" : outcome);
            }
            Map<String, Long> expectedReasons = new TreeMap<>();
            for (DemoExample e : examples) if (!e.good()) expectedReasons.merge(e.expectedReason(), 1L, Long::sum);
            while (System.currentTimeMillis() < deadline && !complete(mode, examples, received, expectedReasons)) {
                Thread.sleep(100);
            }
            Thread.sleep(300); // anything unexpected that is still on its way shows up in the report
            return report(mode, examples, received, expectedReasons, outcomes);
        }
    }

    private void publish(LocalMode mode, LocalConfig config, List<DemoExample> examples, int receiverPort) throws IOException {
        for (DemoExample e : examples) {
            String body = e.raw() ? e.entryJson() : body(e.entryJson(), receiverPort);
            Map<String, String> attrs = e.egressRegion() == null ? Map.of() : Map.of("EgressRegion", e.egressRegion());
            try (Publisher p = new Publisher(mode.stack().snsEndpoint(), config.snsRegion(), config.topicArn(e.topic()))) {
                p.publish(List.of(new MessageFiles.Outgoing(e.label(), body, attrs)), null);
            }
        }
    }

    static String body(String entryJson, int receiverPort) throws IOException {
        ObjectNode entry = (ObjectNode) JSON.readTree(entryJson);
        if (!entry.has("Remote")) {
            entry.putObject("Remote").put("Address", "127.0.0.1").put("Port", receiverPort).putNull("PeerKey");
        }
        ObjectNode body = JSON.createObjectNode();
        body.putArray("Messages").add(entry);
        return body.toString();
    }

    /**
     * Datagrams from anywhere but the Listener's own address and port (what the product promises
     * clients see) are kept apart and fail the demo, even when their bytes are right.
     */
    static boolean fromListener(DatagramPacket p, int listenerPort) {
        return p.getAddress().isLoopbackAddress() && p.getPort() == listenerPort;
    }

    private static void receive(DatagramSocket socket, int listenerPort, List<byte[]> into, List<byte[]> strangers) {
        byte[] buf = new byte[65_535];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                (fromListener(p, listenerPort) ? into : strangers).add(Arrays.copyOf(p.getData(), p.getLength()));
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                return;
            }
        }
    }

    private static boolean arrived(DemoExample e, List<byte[]> received) {
        for (byte[] r : received) if (Arrays.equals(r, e.expectedPayload())) return true;
        return false;
    }

    private static Map<String, Long> actualReasons(LocalMode mode) {
        Map<String, Long> actual = new TreeMap<>();
        mode.metrics().byDimension(PipelineMetrics.PACKETS_DISCARDED)
                .forEach((k, v) -> actual.put(k.substring(k.indexOf('=') + 1), v));
        long filtered = mode.stack().fanout().filtered();
        if (filtered > 0) actual.put("filtered", filtered);
        return actual;
    }

    private static boolean complete(LocalMode mode, List<DemoExample> examples, List<byte[]> received,
                                    Map<String, Long> expectedReasons) {
        for (DemoExample e : examples) if (e.good() && !arrived(e, received)) return false;
        return actualReasons(mode).equals(expectedReasons);
    }

    private static long lastDiscard(LocalMode mode) {
        var latest = mode.metrics().discards().latest();
        return latest.isEmpty() ? 0 : latest.get(latest.size() - 1).seq();
    }

    /** The first discard after {@code seq} as "Reason: Detail", "filtered" if SNS filtered one, else null. */
    private static String outcomeAfter(LocalMode mode, long seq, long filtered) {
        for (var d : mode.metrics().discards().latest()) {
            if (d.seq() > seq) return d.reason() + ": " + d.detail();
        }
        return mode.stack().fanout().filtered() > filtered ? "filtered: no delivery queue's filter took it" : null;
    }

    private boolean report(LocalMode mode, List<DemoExample> examples, List<byte[]> received, Map<String, Long> expected,
                           Map<DemoExample, String> outcomes) {
        Map<String, Long> actual = actualReasons(mode);
        int arrivedCount = 0;
        int goodCount = 0;
        out.println();
        out.printf("  %-18s %-18s %-22s %s%n", "GOOD example", "published Data", "expected datagram", "received datagram");
        for (DemoExample e : examples) {
            if (!e.good()) continue;
            goodCount++;
            boolean ok = arrived(e, received);
            if (ok) arrivedCount++;
            String expectedHex = HexFormat.of().formatHex(e.expectedPayload());
            out.printf("  %-18s %-18s %-22s %s%n", e.label(), shorten(publishedData(e), 18), shorten(expectedHex, 22),
                    ok ? shorten(expectedHex, 22) + "  ok" : "MISSING");
        }
        out.println();
        int mismatches = 0;
        out.printf("  %-22s %-17s %s%n", "BAD example", "expected", "actual (Reason: Detail, as local --verbose shows it)");
        for (DemoExample e : examples) {
            if (e.good()) continue;
            String actualOutcome = outcomes.getOrDefault(e, "?");
            boolean same = actualOutcome.startsWith(e.expectedReason() + ":");
            if (!same) mismatches++;
            out.printf("  %-22s %-17s %s%s%n", e.label(), e.expectedReason(), shorten(actualOutcome, 90), same ? "" : "  MISMATCH");
        }
        out.println();
        out.println("Counted: " + actual + "   expected: " + expected);
        int stray = received.size() - arrivedCount + strangers.size();
        boolean pass = arrivedCount == goodCount && actual.equals(expected) && stray == 0 && mismatches == 0;
        out.println("Result: " + arrivedCount + "/" + goodCount + " datagrams arrived from the Listener's port"
                + (stray > 0 ? ", " + stray + " unexpected datagram(s)" : "")
                + "; discards " + (actual.equals(expected) && mismatches == 0 ? "match" : "DO NOT match") + " their reasons. "
                + (pass ? "PASS" : "FAIL"));
        return pass;
    }

    static String publishedData(DemoExample e) {
        try {
            var data = JSON.readTree(e.entryJson()).get("Data");
            return data.isTextual() ? data.textValue() : "(CoAP as JSON)";
        } catch (IOException ex) {
            return "?";
        }
    }

    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
