package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.core.egressapi.SignedHeaders;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The binary batch framing end to end on loopback (real HTTP, real UDP): it sends what JSON
 * sends, answers per packet in request order, and refuses every malformed, truncated, oversized
 * or unsigned body with nothing sent.
 */
class SenderBinaryEgressTest {
    private static final String LOOPBACK = "127.0.0.1";

    private DatagramSocket receiver;
    private Sender sender;
    private TestEgress client;

    @BeforeEach
    void setUp() throws Exception {
        receiver = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        receiver.setReceiveBufferSize(4 << 20);
        receiver.setSoTimeout(3000);
        sender = Sender.builder(SenderConfig.builder().hmacKey(TestEgress.KEY)
                        .listener(ListenerConfig.udp("coap", LOOPBACK, 0)).build())
                .metricsOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).start();
        client = new TestEgress(sender.egressUri());
    }

    @AfterEach
    void tearDown() {
        if (sender != null) sender.close();
        receiver.close();
    }

    private EgressRequest request() {
        int port = receiver.getLocalPort();
        return new EgressRequest("coap", List.of(
                new EgressPacket("b/0", LOOPBACK, port, null, new byte[] {1, 2, 3}),
                new EgressPacket("b/1", "localhost", port, null, new byte[] {4}),
                new EgressPacket("b/2", LOOPBACK, port, null, new byte[0]),
                new EgressPacket("b/3", LOOPBACK, port, null, new byte[ListenerType.UDP.maxInnerPacket() + 1]),
                new EgressPacket("b/4", LOOPBACK, port, null, new byte[] {9})));
    }

    @Test
    void aBinaryBatchIsSentAndAnsweredPerPacketInOrder() throws Exception {
        EgressRequest req = request();
        HttpResponse<byte[]> r = client.postBinary(EgressBinary.writeRequest(req));
        assertEquals(200, r.statusCode());
        assertEquals(EgressBinary.RESPONSE_TYPE, r.headers().firstValue("Content-Type").orElse(null));
        List<EgressResult> results = EgressBinary.readResponse(r.body(), req).results();
        assertEquals(List.of(EgressResult.sent("b/0"), EgressResult.discarded("b/1", DiscardReason.MalformedRemote),
                EgressResult.sent("b/2"), EgressResult.discarded("b/3", DiscardReason.TooLarge),
                EgressResult.sent("b/4")), results);
        assertArrayEquals(new byte[] {1, 2, 3}, receive());
        assertArrayEquals(new byte[0], receive());
        assertArrayEquals(new byte[] {9}, receive());
        assertNothingArrives();
    }

    /**
     * A kernel that refuses one datagram of a batch (here a broadcast address on a socket without
     * SO_BROADCAST: EACCES in the middle of a sendmmsg call) costs that datagram only; the
     * outcome of every other one is its own.
     */
    @Test
    void whenTheKernelTakesPartOfABatchEachOutcomeIsExact() throws Exception {
        int port = receiver.getLocalPort();
        EgressRequest req = new EgressRequest("coap", List.of(
                new EgressPacket("k/0", LOOPBACK, port, null, new byte[] {0}),
                new EgressPacket("k/1", LOOPBACK, port, null, new byte[] {1}),
                new EgressPacket("k/2", "255.255.255.255", port, null, new byte[] {2}),
                new EgressPacket("k/3", LOOPBACK, port, null, new byte[] {3})));
        HttpResponse<byte[]> r = client.postBinary(EgressBinary.writeRequest(req));
        assertEquals(200, r.statusCode());
        assertEquals(List.of(EgressResult.sent("k/0"), EgressResult.sent("k/1"),
                EgressResult.discarded("k/2", DiscardReason.SendError), EgressResult.sent("k/3")),
                EgressBinary.readResponse(r.body(), req).results());
        assertArrayEquals(new byte[] {0}, receive());
        assertArrayEquals(new byte[] {1}, receive());
        assertArrayEquals(new byte[] {3}, receive());
        assertNothingArrives();
    }

    /**
     * One remote address, spelled alike, to two ports in turn, and a refused packet between two
     * of them: each datagram reaches its own port (the batch reuses the previous packet's parsed
     * address only for what is the same).
     */
    @Test
    void packetsToOneAddressOnTwoPortsEachReachTheirOwnPort() throws Exception {
        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            other.setSoTimeout(3000);
            int a = receiver.getLocalPort();
            int b = other.getLocalPort();
            EgressRequest req = new EgressRequest("coap", List.of(
                    new EgressPacket("p/0", LOOPBACK, a, null, new byte[] {0}),
                    new EgressPacket("p/1", LOOPBACK, b, null, new byte[] {1}),
                    new EgressPacket("p/2", LOOPBACK, b, null, new byte[] {2}),
                    new EgressPacket("p/3", "127.0.0.256", a, null, new byte[] {3}),
                    new EgressPacket("p/4", LOOPBACK, a, null, new byte[] {4}),
                    new EgressPacket("p/5", "127.0.0.256", b, null, new byte[] {5}),
                    new EgressPacket("p/6", LOOPBACK, b, null, new byte[] {6})));
            HttpResponse<byte[]> r = client.postBinary(EgressBinary.writeRequest(req));
            assertEquals(200, r.statusCode());
            assertEquals(List.of(EgressResult.sent("p/0"), EgressResult.sent("p/1"), EgressResult.sent("p/2"),
                    EgressResult.discarded("p/3", DiscardReason.MalformedRemote), EgressResult.sent("p/4"),
                    EgressResult.discarded("p/5", DiscardReason.MalformedRemote), EgressResult.sent("p/6")),
                    EgressBinary.readResponse(r.body(), req).results());
            assertArrayEquals(new byte[] {0}, receive());
            assertArrayEquals(new byte[] {4}, receive());
            assertOneByteDatagrams(other, 1, 2, 6);
            assertNothingArrives();
        }
    }

    /**
     * Two remotes on one port number, a batch whose first packet is refused, and an address
     * spelled IPv4-mapped: the batch's reused destination never carries one remote's address to
     * a packet for the other.
     */
    @Test
    void twoRemotesOnOnePortNumberEachGetTheirOwnPackets() throws Exception {
        int port = receiver.getLocalPort();
        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress("127.0.0.2", port))) {
            other.setSoTimeout(3000);
            EgressRequest req = new EgressRequest("coap", List.of(
                    new EgressPacket("q/0", LOOPBACK, 0, null, new byte[] {0}),
                    new EgressPacket("q/1", LOOPBACK, port, null, new byte[] {1}),
                    new EgressPacket("q/2", "127.0.0.2", port, null, new byte[] {2}),
                    new EgressPacket("q/3", "::ffff:127.0.0.1", port, null, new byte[] {3}),
                    new EgressPacket("q/4", "127.0.0.2", port, null, new byte[] {4})));
            HttpResponse<byte[]> r = client.postBinary(EgressBinary.writeRequest(req));
            assertEquals(200, r.statusCode());
            assertEquals(List.of(EgressResult.discarded("q/0", DiscardReason.MalformedRemote), EgressResult.sent("q/1"),
                    EgressResult.sent("q/2"), EgressResult.sent("q/3"), EgressResult.sent("q/4")),
                    EgressBinary.readResponse(r.body(), req).results());
            assertArrayEquals(new byte[] {1}, receive());
            assertArrayEquals(new byte[] {3}, receive());
            assertOneByteDatagrams(other, 2, 4);
            assertNothingArrives();
        }
    }

    /** {@code socket} receives one-byte datagrams holding {@code expected}, in that order. */
    private static void assertOneByteDatagrams(DatagramSocket socket, int... expected) throws Exception {
        for (int e : expected) {
            DatagramPacket d = new DatagramPacket(new byte[16], 16);
            socket.receive(d);
            assertArrayEquals(new byte[] {(byte) e}, Arrays.copyOf(d.getData(), d.getLength()));
        }
    }

    /** Every prefix of a valid body, each properly signed, is refused: nothing half-sent. */
    @Test
    void everyTruncatedBodyIs400AndSendsNothing() throws Exception {
        // Every field kind (a peer key too), small enough to cut at every byte.
        int port = receiver.getLocalPort();
        byte[] body = EgressBinary.writeRequest(new EgressRequest("coap", List.of(
                new EgressPacket("t/0", LOOPBACK, port, null, new byte[] {1, 2, 3}),
                new EgressPacket("t/1", LOOPBACK, port, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", new byte[] {4}))));
        for (int n = 0; n < body.length; n++) {
            byte[] cut = Arrays.copyOf(body, n);
            int status = client.postBinary(cut).statusCode();
            assertEquals(400, status, "cut at " + n);
        }
        assertNothingArrives();
    }

    @Test
    void malformedBodiesAre400AndSendNothing() throws Exception {
        byte[] body = EgressBinary.writeRequest(request());
        byte[] trailing = Arrays.copyOf(body, body.length + 1);
        byte[] magic = body.clone();
        magic[0] = 'J';
        byte[] version = body.clone();
        version[4] = 2;
        byte[] count = body.clone();
        count[5 + 1 + 4] = 0x7F; // the packet count's high byte: far more packets than bytes
        byte[] json = "{\"Listener\":\"coap\",\"Packets\":[]}".getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : List.of(trailing, magic, version, count, json)) {
            assertEquals(400, client.postBinary(bad).statusCode());
        }
        // Binary bytes labelled as JSON are not JSON either.
        assertEquals(400, client.post(body).statusCode());
        assertNothingArrives();
    }

    @Test
    void unsignedForgedTamperedOrReplayedBodiesAre401AndSendNothing() throws Exception {
        byte[] body = EgressBinary.writeRequest(request());
        assertEquals(401, client.post(EgressBinary.REQUEST_TYPE, body, null).statusCode());
        SignedHeaders good = client.signer.sign(body, System.currentTimeMillis());
        byte[] tampered = body.clone();
        tampered[tampered.length - 1] ^= 1;
        assertEquals(401, client.post(EgressBinary.REQUEST_TYPE, tampered, good).statusCode());
        byte[] otherKey = new byte[32];
        Arrays.fill(otherKey, (byte) 9);
        SignedHeaders wrongKey = new TestEgress(client.uri, otherKey).signer.sign(body, System.currentTimeMillis());
        assertEquals(401, client.post(EgressBinary.REQUEST_TYPE, body, wrongKey).statusCode());
        assertNothingArrives();
        assertEquals(200, client.post(EgressBinary.REQUEST_TYPE, body, good).statusCode());
        for (int i = 0; i < 3; i++) receive();
        assertEquals(401, client.post(EgressBinary.REQUEST_TYPE, body, good).statusCode(), "replay");
        assertNothingArrives();
    }

    @Test
    void anOversizedBodyIs413AndSendsNothing() throws Exception {
        byte[] big = new byte[EgressApi.MAX_BODY_BYTES + 1];
        byte[] valid = EgressBinary.writeRequest(request());
        System.arraycopy(valid, 0, big, 0, valid.length);
        assertEquals(413, client.postBinary(big).statusCode());
        assertNothingArrives();
    }

    private byte[] receive() throws Exception {
        DatagramPacket d = new DatagramPacket(new byte[65_536], 65_536);
        receiver.receive(d);
        return Arrays.copyOf(d.getData(), d.getLength());
    }

    private void assertNothingArrives() throws Exception {
        receiver.setSoTimeout(300);
        try {
            DatagramPacket d = new DatagramPacket(new byte[2048], 2048);
            receiver.receive(d);
            throw new AssertionError("a datagram arrived although nothing should be sent");
        } catch (SocketTimeoutException expected) {
            // nothing sent
        } finally {
            receiver.setSoTimeout(3000);
        }
    }
}
