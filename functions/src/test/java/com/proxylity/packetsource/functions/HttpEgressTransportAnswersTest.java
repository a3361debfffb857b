package com.proxylity.packetsource.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.functions.testing.StandInEgressApi;
import com.sun.net.httpserver.HttpServer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What the Egress handler's client makes of the sender's answers: retry, reject, or the results. */
class HttpEgressTransportAnswersTest {
    static final byte[] KEY = new byte[32];

    static EgressRequest request() {
        return new EgressRequest("coap", List.of(new EgressPacket("m/0", "203.0.113.9", 5683, null, new byte[] {1})));
    }

    /** An HTTP server answering every egress call with a fixed status. */
    static HttpServer answering(int status) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        s.start();
        return s;
    }

    @Test
    void egressStatusesMapToRetryOrReject() throws Exception {
        HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), Duration.ofSeconds(5));
        for (int status : new int[] {401, 429, 500, 503}) {
            HttpServer s = answering(status);
            try {
                assertThrows(SenderUnavailableException.class,
                        () -> t.post("http://127.0.0.1:" + s.getAddress().getPort(), request()), "status " + status);
            } finally {
                s.stop(0);
            }
        }
        for (int status : new int[] {400, 404, 413}) {
            HttpServer s = answering(status);
            try {
                assertThrows(EgressRejectedException.class,
                        () -> t.post("http://127.0.0.1:" + s.getAddress().getPort(), request()), "status " + status);
            } finally {
                s.stop(0);
            }
        }
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        assertThrows(SenderUnavailableException.class, () -> t.post("http://127.0.0.1:" + closed, request()));
    }

    /**
     * Egress and the sender image deploy apart: a sender of the release before the Poly1305 form
     * answers it 401, gets the same body once more in the HMAC form, and that form from then on;
     * a current sender gets Poly1305 only, and a 401 in both forms is remembered for nobody.
     */
    @Test
    void aSenderOfTheReleaseBeforeGetsTheHmacFormAfterOneRefusal() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             StandInEgressApi older = new StandInEgressApi(KEY, (InetSocketAddress) receiver.getLocalSocketAddress());
             StandInEgressApi current = new StandInEgressApi(KEY, (InetSocketAddress) receiver.getLocalSocketAddress())) {
            older.hmacOnly(true);
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), Duration.ofSeconds(5));

            assertEquals("Sent", t.post(older.endpoint(), request()).results().get(0).outcome().name());
            assertEquals(List.of("poly1305", "hmac"), older.forms());
            assertEquals(List.of("m/0"), older.accepted(), "the refused attempt sent nothing; the second sent once");
            t.post(older.endpoint(), request());
            assertEquals(List.of("poly1305", "hmac", "hmac"), older.forms(), "remembered: one request per call");

            t.post(current.endpoint(), request());
            assertEquals(List.of("poly1305"), current.forms(), "another sender is not affected");

            // Refused in both forms (a wrong key): the client retries through SQS, and nothing is remembered.
            HttpEgressTransport wrongKey = new HttpEgressTransport(new byte[] {
                    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                    Clock.systemUTC(), Duration.ofSeconds(5));
            assertThrows(SenderUnavailableException.class, () -> wrongKey.post(current.endpoint(), request()));
            assertThrows(SenderUnavailableException.class, () -> wrongKey.post(current.endpoint(), request()));
            assertEquals(List.of("poly1305", "poly1305", "hmac", "poly1305", "hmac"), current.forms());
        }
    }

    /** Batches go in the binary framing; one with a field beyond its bounds goes as JSON. */
    @Test
    void egressIsBinaryAndFallsBackToJsonOnlyWhenAFieldDoesNotFit() throws Exception {
        List<String> types = new CopyOnWriteArrayList<>();
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", ex -> {
            types.add(ex.getRequestHeaders().getFirst("Content-Type"));
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(400, -1);
            ex.close();
        });
        s.start();
        try {
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), Duration.ofSeconds(5));
            String url = "http://127.0.0.1:" + s.getAddress().getPort();
            assertThrows(EgressRejectedException.class, () -> t.post(url, request()));
            EgressRequest longId = new EgressRequest("coap",
                    List.of(new EgressPacket("m/" + "x".repeat(300), "203.0.113.9", 5683, null, new byte[] {1})));
            assertThrows(EgressRejectedException.class, () -> t.post(url, longId));
            assertEquals(List.of(EgressBinary.REQUEST_TYPE,
                    EgressApi.CONTENT_TYPE), types);
        } finally {
            s.stop(0);
        }
    }

    @Test
    void aWrongKeyIsRefusedBySignatureAndRetried() throws Exception {
        byte[] other = new byte[32];
        Arrays.fill(other, (byte) 1);
        try (DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             StandInEgressApi sender = new StandInEgressApi(other, (InetSocketAddress) sink.getLocalSocketAddress())) {
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), Duration.ofSeconds(5));
            assertThrows(SenderUnavailableException.class, () -> t.post(sender.endpoint(), request()));
            assertEquals(2, sender.unauthorized(), "once in each signature form");
            assertEquals(List.of(), sender.accepted());
            HttpEgressTransport right = new HttpEgressTransport(other, Clock.systemUTC(), Duration.ofSeconds(5));
            assertEquals(1, right.post(sender.endpoint() + "/v1/egress", request()).results().size());
        }
    }
}
