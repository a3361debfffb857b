package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.egressapi.BatchIdentity;
import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.core.egressapi.EgressSegment;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batch identity and the deadline on the real sender over loopback HTTP and UDP: a segment taken
 * once is answered with its first outcome and never sent again, whichever request repeats it; a
 * request that arrives after its client stopped waiting sends nothing. "Nothing more was sent" is
 * shown without waiting: a marker datagram sent afterwards on the same socket must be the next one
 * the receiver gets.
 */
class SenderRepeatedBatchTest {
    private static final String LOOPBACK = "127.0.0.1";

    private DatagramSocket receiver;
    private Sender sender;
    private TestEgress client;
    private int markers;

    @BeforeEach
    void setUp() throws Exception {
        receiver = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        receiver.setSoTimeout(5000);
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

    private EgressPacket packet(String id, String payload) {
        return new EgressPacket(id, LOOPBACK, receiver.getLocalPort(), null, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** Two records' packets, with identity, from {@code run}, deadline a few seconds ahead. */
    private EgressRequest twoRecords(String run) {
        List<EgressPacket> ps = List.of(packet("m1/0", "m1-0"), packet("m1/1", "m1-1"), packet("m2/0", "m2-0"));
        return new EgressRequest("coap", ps, System.currentTimeMillis() + 5_000, run, BatchIdentity.segments("coap", ps));
    }

    private EgressResponse post(EgressRequest req) throws Exception {
        HttpResponse<byte[]> r = client.postBinary(EgressBinary.writeRequest(req));
        assertEquals(200, r.statusCode());
        return EgressBinary.readResponse(r.body(), req);
    }

    private List<String> receive(int n) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            receiver.receive(p);
            out.add(new String(Arrays.copyOf(p.getData(), p.getLength()), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Sends a marker without identity and asserts it is the very next datagram: nothing else was sent. */
    private void assertNothingElseWasSent() throws Exception {
        String marker = "marker-" + (++markers);
        EgressRequest m = new EgressRequest("coap", List.of(packet("x/" + markers, marker)));
        assertEquals(List.of(EgressResult.sent("x/" + markers)), post(m).results());
        assertEquals(List.of(marker), receive(1), "a datagram other than the marker was sent");
    }

    @Test
    void aRepeatedSegmentIsAnsweredWithItsFirstOutcomeAndNotSentAgain() throws Exception {
        EgressResponse first = post(twoRecords("run-1"));
        assertEquals(List.of("m1-0", "m1-1", "m2-0"), receive(3));
        assertEquals(List.of(), first.repeated());

        // The same run again (its Egress timed out before the answer came): the same answer, as new.
        EgressResponse again = post(twoRecords("run-1"));
        assertEquals(first.results(), again.results());
        assertEquals(List.of(), again.repeated(), "a retry of the same run is counted by that run");
        assertNothingElseWasSent();

        // Another execution (a redelivered record): answered, marked repeated, not sent.
        EgressResponse later = post(twoRecords("run-2"));
        assertEquals(first.results(), later.results());
        assertEquals(List.of(0, 1), later.repeated());
        assertNothingElseWasSent();
        assertEquals(6, sender.metrics("coap").repeatsSuppressedTotal());
        assertEquals(3 + 2, sender.metrics("coap").sentTotal(), "Sent counts datagrams that left: three and the markers");
    }

    @Test
    void aRecordRebatchedWithOtherNeighboursIsStillRecognised() throws Exception {
        post(twoRecords("run-1"));
        assertEquals(3, receive(3).size());
        // Record m2 alone, and a new record m3 beside it: only m3 leaves.
        List<EgressPacket> ps = List.of(packet("m2/0", "m2-0"), packet("m3/0", "m3-0"));
        EgressResponse r = post(new EgressRequest("coap", ps, System.currentTimeMillis() + 5_000, "run-2",
                BatchIdentity.segments("coap", ps)));
        assertEquals(List.of(EgressResult.sent("m2/0"), EgressResult.sent("m3/0")), r.results());
        assertEquals(List.of(0), r.repeated());
        assertEquals(List.of("m3-0"), receive(1));
        assertNothingElseWasSent();
    }

    @Test
    void aRepeatOfARefusedPacketGetsTheSameReasonWithoutASend() throws Exception {
        List<EgressPacket> ps = List.of(packet("d/0", "ok"), new EgressPacket("d/1", "not-an-ip", 9, null, new byte[] {1}));
        EgressRequest req = new EgressRequest("coap", ps, System.currentTimeMillis() + 5_000, "run-1",
                BatchIdentity.segments("coap", ps));
        List<EgressResult> expected = List.of(EgressResult.sent("d/0"), EgressResult.discarded("d/1", DiscardReason.MalformedRemote));
        assertEquals(expected, post(req).results());
        assertEquals(List.of("ok"), receive(1));
        assertEquals(expected, post(new EgressRequest("coap", ps, System.currentTimeMillis() + 5_000, "run-2",
                BatchIdentity.segments("coap", ps))).results());
        assertNothingElseWasSent();
        assertEquals(1, sender.metrics("coap").discardedTotal(DiscardReason.MalformedRemote), "counted once");
    }

    @Test
    void aRequestHeldPastItsDeadlineThenDeliveredIsRefusedWithoutSending() throws Exception {
        // Signed 8 s ago by a client that waited 5 s: it has given up; the copy arrives only now.
        long signedAt = System.currentTimeMillis() - 8_000;
        List<EgressPacket> ps = List.of(packet("late/0", "late"));
        EgressRequest held = new EgressRequest("coap", ps, signedAt + 5_000, "run-1", BatchIdentity.segments("coap", ps));
        byte[] body = EgressBinary.writeRequest(held);
        HttpResponse<byte[]> r = client.post(EgressBinary.REQUEST_TYPE, body, client.signer.sign(body, signedAt));
        assertEquals(408, r.statusCode());
        assertNothingElseWasSent();
        assertEquals(1, sender.apiMetrics().rejectedTotal("PastDeadline"));

        // Not remembered either: the client's retry, with a new deadline, is sent.
        EgressResponse retry = post(new EgressRequest("coap", ps, System.currentTimeMillis() + 5_000, "run-1",
                BatchIdentity.segments("coap", ps)));
        assertEquals(List.of(EgressResult.sent("late/0")), retry.results());
        assertEquals(List.of("late"), receive(1));
    }

    @Test
    void aDeadlineBeyondTheSignatureWindowOrIdentityThatDoesNotCoverThePacketsIs400() throws Exception {
        long now = System.currentTimeMillis();
        List<EgressPacket> ps = List.of(packet("w/0", "w"), packet("w/1", "w"));
        List<EgressSegment> segs = BatchIdentity.segments("coap", ps);
        EgressRequest tooLong = new EgressRequest("coap", ps, now + EgressApi.CLOCK_WINDOW.toMillis() + 1_000, "run-1", segs);
        assertEquals(400, client.postBinary(EgressBinary.writeRequest(tooLong)).statusCode());
        EgressRequest short1 = new EgressRequest("coap", ps, now + 5_000, "run-1",
                List.of(new EgressSegment(segs.get(0).id(), 1)));
        assertEquals(400, client.postBinary(EgressBinary.writeRequest(short1)).statusCode());
        EgressRequest twice = new EgressRequest("coap", ps, now + 5_000, "run-1",
                List.of(new EgressSegment(segs.get(0).id(), 1), new EgressSegment(segs.get(0).id(), 1)));
        assertEquals(400, client.postBinary(EgressBinary.writeRequest(twice)).statusCode());
        assertNothingElseWasSent();
        assertArrayEquals(new long[] {0}, new long[] {sender.metrics("coap").repeatsSuppressedTotal()});
    }
}
