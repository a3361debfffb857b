package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressOutcome;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.core.egressapi.SignedHeaders;
import com.proxylity.packetsource.core.wireguard.InboundDrop;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import com.proxylity.packetsource.sender.net.Transport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import com.proxylity.packetsource.core.testing.Await;

/** The sender end to end on loopback: real HTTP, real UDP sockets. */
class SenderEgressTest {
    private static final String LOOPBACK = "127.0.0.1";

    private DatagramSocket receiver;
    private Sender sender;
    private TestEgress client;
    private final ByteArrayOutputStream metricsOut = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        receiver = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        receiver.setReceiveBufferSize(4 << 20);
        receiver.setSoTimeout(3000);
    }

    @AfterEach
    void tearDown() {
        if (sender != null) sender.close();
        receiver.close();
    }

    private void start(SenderConfig.Builder b) throws Exception {
        sender = Sender.builder(b.hmacKey(TestEgress.KEY).build())
                .metricsOut(new PrintStream(metricsOut, true, StandardCharsets.UTF_8)).start();
        client = new TestEgress(sender.egressUri());
    }

    private void startPlain() throws Exception {
        start(SenderConfig.builder().listener(ListenerConfig.udp("coap", LOOPBACK, 0)));
    }

    private static List<byte[]> payloads(int n, int size) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] p = new byte[size];
            Arrays.fill(p, (byte) i);
            p[0] = (byte) (i >> 8);
            p[1] = (byte) i;
            out.add(p);
        }
        return out;
    }

    private List<DatagramPacket> receive(int n) throws Exception {
        List<DatagramPacket> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            DatagramPacket d = new DatagramPacket(new byte[65_536], 65_536);
            receiver.receive(d);
            got.add(d);
        }
        return got;
    }

    private void assertNothingArrives() throws Exception {
        receiver.setSoTimeout(300);
        try {
            DatagramPacket d = new DatagramPacket(new byte[2048], 2048);
            receiver.receive(d);
            throw new AssertionError("a datagram arrived although nothing should be sent");
        } catch (SocketTimeoutException expected) {
            // nothing sent
        }
    }

    private static EgressResponse results(HttpResponse<byte[]> r) throws Exception {
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        return EgressJson.readResponse(r.body());
    }

    @Test
    void signedBatchArrivesFromTheListenerPortWithExactPayloads() throws Exception {
        startPlain();
        assertEquals(Transport.EPOLL, sender.transport(), "native epoll should load on Linux x86_64");
        List<byte[]> sent = payloads(64, 200);
        sent.set(5, new byte[0]);
        sent.set(6, payloads(1, 1400).get(0));
        EgressResponse resp = results(client.post(TestEgress.plain("coap", LOOPBACK, receiver.getLocalPort(), sent)));

        assertEquals(64, resp.results().size());
        for (int i = 0; i < 64; i++) {
            assertEquals("msg-1/" + i, resp.results().get(i).id());
            assertEquals(EgressOutcome.Sent, resp.results().get(i).outcome());
        }
        int listenerPort = sender.listenerAddress("coap").getPort();
        List<DatagramPacket> got = receive(64);
        // UDP on loopback keeps order for one socket pair; compare exactly and in order.
        for (int i = 0; i < 64; i++) {
            DatagramPacket d = got.get(i);
            assertEquals(listenerPort, d.getPort(), "must leave from the Listener's own port");
            assertEquals(InetAddress.getByName(LOOPBACK), d.getAddress());
            assertArrayEquals(sent.get(i), Arrays.copyOfRange(d.getData(), 0, d.getLength()), "payload " + i);
        }
        assertEquals(64, sender.metrics("coap").sentTotal());
    }

    @Test
    void badSignatureIs401AndSendsNothing() throws Exception {
        startPlain();
        byte[] body = EgressJson.writeRequest(TestEgress.plain("coap", LOOPBACK, receiver.getLocalPort(), payloads(3, 10)));
        byte[] otherKey = new byte[32];
        Arrays.fill(otherKey, (byte) 9);
        assertEquals(401, new TestEgress(client.uri, otherKey).post(body).statusCode());
        assertEquals(401, client.post(body, null).statusCode());
        SignedHeaders good = client.signer.sign(body, System.currentTimeMillis());
        SignedHeaders forged = new SignedHeaders(good.timestamp(), good.nonce(),
                java.util.Base64.getEncoder().encodeToString(new byte[32]));
        assertEquals(401, client.post(body, forged).statusCode());
        byte[] tampered = body.clone();
        tampered[tampered.length - 3] ^= 1;
        assertEquals(401, client.post(tampered, good).statusCode());
        assertNothingArrives();
        assertEquals(4, sender.authRejected());
    }

    @Test
    void replayedRequestIs401AndSendsNothingTheSecondTime() throws Exception {
        startPlain();
        byte[] body = EgressJson.writeRequest(TestEgress.plain("coap", LOOPBACK, receiver.getLocalPort(), payloads(2, 10)));
        SignedHeaders h = client.signer.sign(body, System.currentTimeMillis());
        assertEquals(200, client.post(body, h).statusCode());
        receive(2);
        assertEquals(401, client.post(body, h).statusCode());
        assertNothingArrives();
    }

    @Test
    void staleRequestIs401AndSendsNothing() throws Exception {
        startPlain();
        byte[] body = EgressJson.writeRequest(TestEgress.plain("coap", LOOPBACK, receiver.getLocalPort(), payloads(2, 10)));
        assertEquals(401, client.post(body, client.signer.sign(body, System.currentTimeMillis() - 31_000)).statusCode());
        assertEquals(401, client.post(body, client.signer.sign(body, System.currentTimeMillis() + 31_000)).statusCode());
        assertNothingArrives();
    }

    @Test
    void oversizeBodyIs413() throws Exception {
        startPlain();
        byte[] big = new byte[EgressApi.MAX_BODY_BYTES + 1];
        Arrays.fill(big, (byte) ' ');
        assertEquals(413, client.post(big).statusCode());
        // Exactly the limit is still read (and then judged on its content: whitespace is not JSON).
        byte[] limit = Arrays.copyOf(big, EgressApi.MAX_BODY_BYTES);
        assertEquals(400, client.post(limit).statusCode());
        assertNothingArrives();
    }

    @Test
    void malformedJsonIs400AndUnknownListener404() throws Exception {
        startPlain();
        assertEquals(400, client.post("{\"Listener\":".getBytes(StandardCharsets.UTF_8)).statusCode());
        assertEquals(404, client.post(TestEgress.plain("nope", LOOPBACK, receiver.getLocalPort(), payloads(1, 4))).statusCode());
        assertNothingArrives();
    }

    /** Issue 9, defect 3: a port as a string or a fraction, or a repeated key, is not a request. */
    @Test
    void coercedValuesAndDuplicateKeysAre400AndSendNothing() throws Exception {
        startPlain();
        int port = receiver.getLocalPort();
        String good = "{\"Listener\":\"coap\",\"Packets\":[{\"Id\":\"m/0\",\"Address\":\"127.0.0.1\",\"Port\":" + port
                + ",\"Payload\":\"AQ==\"}]}";
        for (String bad : new String[] {
                good.replace("\"Port\":" + port, "\"Port\":\"" + port + "\""),
                good.replace("\"Port\":" + port, "\"Port\":" + port + ".5"),
                good.replace("\"Port\":" + port, "\"Port\":" + port + ",\"Port\":" + port),
                good.replace("\"Listener\":\"coap\"", "\"Listener\":\"coap\",\"Listener\":\"coap\""),
        }) {
            assertEquals(400, client.post(bad.getBytes(StandardCharsets.UTF_8)).statusCode(), bad);
        }
        assertNothingArrives();
        assertEquals(200, client.post(good.getBytes(StandardCharsets.UTF_8)).statusCode());
        receive(1);
    }

    /** Issue 9, defect 3: the body is JSON; anything labelled otherwise is 415 before it is read. */
    @Test
    void contentTypeOtherThanJsonIs415() throws Exception {
        startPlain();
        byte[] body = EgressJson.writeRequest(TestEgress.plain("coap", LOOPBACK, receiver.getLocalPort(), payloads(1, 4)));
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "application/jsonx", ""}) {
            SignedHeaders h = client.signer.sign(body, System.currentTimeMillis());
            HttpRequest.Builder b = HttpRequest.newBuilder(client.uri)
                    .header(EgressApi.HEADER_TIMESTAMP, h.timestamp()).header(EgressApi.HEADER_NONCE, h.nonce())
                    .header(EgressApi.HEADER_SIGNATURE, h.signature())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (!type.isEmpty()) b.header("Content-Type", type);
            assertEquals(415, client.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode(), type);
        }
        assertNothingArrives();
        // The egress Lambda's exact header, and the same with a charset parameter, are accepted.
        SignedHeaders h = client.signer.sign(body, System.currentTimeMillis());
        HttpRequest withCharset = HttpRequest.newBuilder(client.uri).header("Content-Type", "Application/JSON; charset=utf-8")
                .header(EgressApi.HEADER_TIMESTAMP, h.timestamp()).header(EgressApi.HEADER_NONCE, h.nonce())
                .header(EgressApi.HEADER_SIGNATURE, h.signature()).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        assertEquals(200, client.http.send(withCharset, HttpResponse.BodyHandlers.ofByteArray()).statusCode());
        receive(1);
        assertEquals(4, sender.apiMetrics().rejectedTotal("UnsupportedMediaType"));
        sender.close(); // flushes metrics: the refusals are an EMF metric too
        sender = null;
        String emf = metricsOut.toString(StandardCharsets.UTF_8);
        assertTrue(emf.contains("\"Reason\":\"UnsupportedMediaType\"") && emf.contains("\"EgressRejected\":4"), emf);
    }

    /** Two signed requests and a health check written in one go are answered in order, each once. */
    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        startPlain();
        StringBuilder wire = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            String body = new String(EgressJson.writeRequest(TestEgress.plain("coap", LOOPBACK, receiver.getLocalPort(),
                    List.of(new byte[] {(byte) i}))), StandardCharsets.UTF_8);
            SignedHeaders h = client.signer.sign(body.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
            wire.append("POST /v1/egress HTTP/1.1\r\nHost: s\r\nContent-Type: application/json\r\nContent-Length: ")
                    .append(body.length()).append("\r\n").append(EgressApi.HEADER_TIMESTAMP).append(": ").append(h.timestamp())
                    .append("\r\n").append(EgressApi.HEADER_NONCE).append(": ").append(h.nonce()).append("\r\n")
                    .append(EgressApi.HEADER_SIGNATURE).append(": ").append(h.signature()).append("\r\n\r\n").append(body);
        }
        wire.append("GET /health HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n");
        try (java.net.Socket s = new java.net.Socket(LOOPBACK, sender.egressPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(wire.toString().getBytes(StandardCharsets.US_ASCII));
            String answers = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            // A response's JSON body has no line end, so the next status line follows it directly.
            List<String> statuses = java.util.regex.Pattern.compile("HTTP/1\\.1 \\d{3} [A-Za-z ]+?\\r\\n")
                    .matcher(answers).results().map(m -> m.group().trim()).toList();
            assertEquals(List.of("HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK"), statuses, answers);
            assertTrue(answers.endsWith("{\"Status\":\"Ok\"}"), answers);
        }
        List<DatagramPacket> got = receive(2);
        assertEquals(0, got.get(0).getData()[0]);
        assertEquals(1, got.get(1).getData()[0]);
    }

    @Test
    void eachBadPacketGetsItsReasonAndSiblingsStillGo() throws Exception {
        startPlain();
        int port = receiver.getLocalPort();
        EgressRequest req = new EgressRequest("coap", List.of(
                new EgressPacket("a/0", LOOPBACK, port, null, new byte[] {1}),
                new EgressPacket("a/1", "localhost", port, null, new byte[] {2}),
                new EgressPacket("a/2", LOOPBACK, 0, null, new byte[] {3}),
                new EgressPacket("a/3", "127.000.0.1", port, null, new byte[] {4}),
                new EgressPacket("a/4", LOOPBACK, port, null, new byte[ListenerType.UDP.maxInnerPacket() + 1]),
                new EgressPacket("a/5", LOOPBACK, port, null, null),
                new EgressPacket("a/6", LOOPBACK, port, null, new byte[] {7})));
        List<EgressResult> r = results(client.post(req)).results();
        assertEquals(EgressResult.sent("a/0"), r.get(0));
        assertEquals(EgressResult.discarded("a/1", DiscardReason.MalformedRemote), r.get(1));
        assertEquals(EgressResult.discarded("a/2", DiscardReason.MalformedRemote), r.get(2));
        assertEquals(EgressResult.discarded("a/3", DiscardReason.MalformedRemote), r.get(3));
        assertEquals(EgressResult.discarded("a/4", DiscardReason.TooLarge), r.get(4));
        assertEquals(EgressResult.discarded("a/5", DiscardReason.MalformedMessage), r.get(5));
        assertEquals(EgressResult.sent("a/6"), r.get(6));
        List<DatagramPacket> got = receive(2);
        assertEquals(1, got.get(0).getData()[0]);
        assertEquals(7, got.get(1).getData()[0]);
        assertNothingArrives();
        assertEquals(3, sender.metrics("coap").discardedTotal(DiscardReason.MalformedRemote));
    }

    @Test
    void senderSidePolicyDeniesWhatThePipelineShouldHaveDenied() throws Exception {
        start(SenderConfig.builder().egressPolicy(DefaultEgressPolicy.standard())
                .listener(ListenerConfig.udp("coap", LOOPBACK, 0)));
        EgressRequest req = new EgressRequest("coap", List.of(
                new EgressPacket("d/0", LOOPBACK, receiver.getLocalPort(), null, new byte[] {1}),
                new EgressPacket("d/1", "169.254.169.254", 80, null, new byte[] {2}),
                new EgressPacket("d/2", "::ffff:10.0.0.1", 53, null, new byte[] {3})));
        List<EgressResult> r = results(client.post(req)).results();
        r.forEach(x -> assertEquals(DiscardReason.EgressDenied, x.reason(), x.id()));
        assertNothingArrives();
        assertEquals(3, sender.metrics("coap").discardedTotal(DiscardReason.EgressDenied));
    }

    @Test
    void whatDoesNotFitTheQueueIsSendErrorAndCounted() throws Exception {
        start(SenderConfig.builder().queueCapacity(4).listener(ListenerConfig.udp("coap", LOOPBACK, 0)));
        List<EgressResult> r = results(client.post(
                TestEgress.plain("coap", LOOPBACK, receiver.getLocalPort(), payloads(10, 32)))).results();
        for (int i = 0; i < 4; i++) assertEquals(EgressOutcome.Sent, r.get(i).outcome(), "slot " + i);
        for (int i = 4; i < 10; i++) assertEquals(DiscardReason.SendError, r.get(i).reason(), "slot " + i);
        receive(4);
        assertNothingArrives();
        assertEquals(6, sender.metrics("coap").discardedTotal(DiscardReason.SendError));
        // The queue empties again once the kernel took the datagrams.
        List<EgressResult> again = results(client.post(
                TestEgress.plain("coap", LOOPBACK, receiver.getLocalPort(), payloads(4, 32)))).results();
        again.forEach(x -> assertEquals(EgressOutcome.Sent, x.outcome()));
    }

    @Test
    void wireGuardListenerWithoutSessionSaysNoSession() throws Exception {
        // The real engine with no allowed peers: nobody can have a session.
        start(SenderConfig.builder().listener(new ListenerConfig("wg1", ListenerType.WG, LOOPBACK, 0,
                new byte[32], List.of())));
        int port = receiver.getLocalPort();
        EgressRequest req = new EgressRequest("wg1", List.of(
                new EgressPacket("w/0", LOOPBACK, port, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", new byte[40]),
                new EgressPacket("w/1", LOOPBACK, port, null, new byte[40]),
                new EgressPacket("w/2", LOOPBACK, port, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", new byte[1421])));
        List<EgressResult> r = results(client.post(req)).results();
        assertEquals(DiscardReason.NoSession, r.get(0).reason());
        assertEquals(DiscardReason.MalformedRemote, r.get(1).reason());
        assertEquals(DiscardReason.TooLarge, r.get(2).reason());
        assertNothingArrives();
        // Inbound garbage on the WireGuard Listener is counted by the engine's reason, not answered.
        byte[] junk = {1, 0, 0, 0, 9, 9, 9};
        receiver.send(new DatagramPacket(junk, junk.length, sender.listenerAddress("wg1")));
        Await.until("the junk is counted", () -> sender.metrics("wg1").inboundRejectedTotal(InboundDrop.MALFORMED) > 0);
        assertEquals(1, sender.metrics("wg1").inboundRejectedTotal(InboundDrop.MALFORMED));
        assertNothingArrives();
        EgressRequest badKey = new EgressRequest("wg1", List.of(new EgressPacket("w/3", LOOPBACK, port, "bm90LWEta2V5", new byte[40])));
        assertEquals(DiscardReason.MalformedRemote, results(client.post(badKey)).results().get(0).reason());
    }

    @Test
    void healthIsOkWhileBoundAndGoneAfterClose() throws Exception {
        startPlain();
        URI health = sender.egressUri().resolve(EgressApi.HEALTH_PATH);
        HttpResponse<String> r = client.http.send(HttpRequest.newBuilder(health).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(sender.healthy());
        sender.close();
        assertFalse(sender.healthy());
        sender = null;
    }

    @Test
    void egressPortTakenFailsStartAndReleasesTheListenerPort() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            int listenerPort;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                listenerPort = probe.getLocalPort();
            }
            SenderConfig config = SenderConfig.builder().hmacKey(TestEgress.KEY).egress(LOOPBACK, taken.getLocalPort())
                    .listener(ListenerConfig.udp("coap", LOOPBACK, listenerPort)).build();
            org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> Sender.start(config));
            // The Listener port was released: it can be bound again.
            new DatagramSocket(new InetSocketAddress(LOOPBACK, listenerPort)).close();
        }
    }

    @Test
    void plainInboundIsCountedAndDropped() throws Exception {
        startPlain();
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        receiver.send(new DatagramPacket(hello, hello.length, sender.listenerAddress("coap")));
        Await.until("the datagram is counted", () -> sender.metrics("coap").inboundDroppedTotal() > 0);
        assertEquals(1, sender.metrics("coap").inboundDroppedTotal());
    }

    @Test
    void closeEmitsEmfMetrics() throws Exception {
        startPlain();
        results(client.post(TestEgress.plain("coap", LOOPBACK, receiver.getLocalPort(), payloads(3, 8))));
        results(client.post(new EgressRequest("coap", List.of(
                new EgressPacket("x/0", "not-an-ip", 1, null, new byte[1])))));
        sender.close();
        sender = null;
        String out = metricsOut.toString(StandardCharsets.UTF_8);
        var mapper = EgressJson.mapper();
        boolean sawSent = false;
        boolean sawDiscard = false;
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            var doc = mapper.readTree(line);
            if (!doc.has("_aws")) continue;
            assertEquals("PacketSource", doc.at("/_aws/CloudWatchMetrics/0/Namespace").asText());
            if (doc.has("Sent")) {
                assertEquals(3, doc.get("Sent").asLong());
                assertEquals("coap", doc.get("Listener").asText());
                assertTrue(doc.get("BatchSize").isArray());
                sawSent = true;
            }
            if (doc.has("Discarded")) {
                assertEquals("MalformedRemote", doc.get("Reason").asText());
                assertEquals(1, doc.get("Discarded").asLong());
                sawDiscard = true;
            }
        }
        assertTrue(sawSent, out);
        assertTrue(sawDiscard, out);
        assertNull(null);
    }
}
