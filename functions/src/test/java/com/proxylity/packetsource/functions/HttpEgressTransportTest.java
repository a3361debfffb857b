package com.proxylity.packetsource.functions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.egressapi.BatchIdentity;
import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.functions.testing.RawHttpServer;
import com.proxylity.packetsource.functions.testing.RawHttpServer.Reply;
import com.proxylity.packetsource.functions.testing.RawHttpServer.Then;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Egress Lambda's HTTP client against a real HTTP/1.1 server on loopback (the JDK's): the
 * connection is kept and reused across calls, also after a refused call, and the answer is read
 * within its bound. Which TCP connection carried a request is the client port the server saw.
 * Against {@link RawHttpServer} (answers exactly the bytes a test gives): what is re-sent after
 * a connection ends and what never is, the request's bytes as they leave, and endpoints.
 */
class HttpEgressTransportTest {
    private static final byte[] KEY = new byte[32];

    private record Answer(int status, String type, byte[] body) { }

    private static EgressRequest request(String id) {
        return new EgressRequest("coap", List.of(new EgressPacket(id, "203.0.113.9", 5683, null, new byte[] {1, 2})));
    }

    private static HttpServer server(List<Integer> clientPorts, Function<byte[], Answer> answer) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", ex -> {
            try (HttpExchange e = ex) {
                clientPorts.add(e.getRemoteAddress().getPort());
                Answer a = answer.apply(e.getRequestBody().readAllBytes());
                e.getResponseHeaders().set("Content-Type", a.type());
                e.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
                try (OutputStream out = e.getResponseBody()) {
                    out.write(a.body());
                }
            }
        });
        s.start();
        return s;
    }

    private static Answer sentAll(byte[] body) {
        try {
            EgressRequest r = EgressBinary.readRequest(body);
            List<EgressResult> results = r.packets().stream().map(p -> EgressResult.sent(p.id())).toList();
            return new Answer(200, EgressBinary.RESPONSE_TYPE, EgressBinary.writeResponse(new EgressResponse(results)));
        } catch (IOException e) {
            return new Answer(400, EgressApi.CONTENT_TYPE, new byte[0]);
        }
    }

    @Test
    void oneConnectionCarriesEveryCallIncludingAfterARefusal() throws Exception {
        List<Integer> ports = new CopyOnWriteArrayList<>();
        int[] calls = {0};
        HttpServer s = server(ports, body -> ++calls[0] == 2
                ? new Answer(400, EgressApi.CONTENT_TYPE, "{\"Error\":\"MalformedRequest\"}".getBytes())
                : sentAll(body));
        try {
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), Duration.ofSeconds(5));
            String url = "http://127.0.0.1:" + s.getAddress().getPort();
            assertEquals(List.of(EgressResult.sent("m/0")), t.post(url, request("m/0")).results());
            assertThrows(EgressRejectedException.class, () -> t.post(url, request("m/1")));
            assertEquals(List.of(EgressResult.sent("m/2")), t.post(url, request("m/2")).results());
            assertEquals(3, ports.size());
            assertEquals(1, ports.stream().distinct().count(), "every call on one kept-alive connection: " + ports);
        } finally {
            s.stop(0);
        }
    }

    @Test
    void anAnswerLongerThanAnyEgressAnswerIsRefusedNotBuffered() throws Exception {
        List<Integer> ports = new CopyOnWriteArrayList<>();
        HttpServer s = server(ports, body -> new Answer(200, EgressBinary.RESPONSE_TYPE, new byte[EgressApi.MAX_BODY_BYTES + 1]));
        try {
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), Duration.ofSeconds(5));
            EgressRejectedException e = assertThrows(EgressRejectedException.class,
                    () -> t.post("http://127.0.0.1:" + s.getAddress().getPort(), request("m/0")));
            assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
        } finally {
            s.stop(0);
        }
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        List<Integer> ports = new CopyOnWriteArrayList<>();
        HttpServer s = server(ports, body -> new Answer(307, EgressApi.CONTENT_TYPE, new byte[0]));
        try {
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), Duration.ofSeconds(5));
            assertThrows(EgressRejectedException.class,
                    () -> t.post("http://127.0.0.1:" + s.getAddress().getPort(), request("m/0")));
            assertEquals(1, ports.size(), "one request, the redirect not followed");
        } finally {
            s.stop(0);
        }
    }

    /** The deadline Egress signs is its own give-up time, capped at the clock window; a 408 (arrived too late) is retried. */
    @Test
    void aBatchCarriesItsDeadlineInTheSignedBodyAndA408IsRetried() throws Exception {
        List<Long> deadlines = new CopyOnWriteArrayList<>();
        HttpServer s = server(new CopyOnWriteArrayList<>(), body -> {
            try {
                deadlines.add(EgressBinary.readRequest(body).deadline());
            } catch (IOException e) {
                deadlines.add(-1L);
            }
            return new Answer(408, EgressApi.CONTENT_TYPE, "{\"Error\":\"PastDeadline\"}".getBytes());
        });
        try {
            Clock fixed = Clock.fixed(Instant.ofEpochMilli(1_800_000_000_000L), ZoneOffset.UTC);
            String url = "http://127.0.0.1:" + s.getAddress().getPort();
            List<EgressPacket> ps = request("m/0").packets();
            EgressRequest withIdentity = new EgressRequest("coap", ps, null, "run-1", BatchIdentity.segments("coap", ps));
            assertThrows(SenderUnavailableException.class,
                    () -> new HttpEgressTransport(KEY, fixed, Duration.ofSeconds(5)).post(url, withIdentity));
            assertThrows(SenderUnavailableException.class,
                    () -> new HttpEgressTransport(KEY, fixed, Duration.ofSeconds(60)).post(url, withIdentity));
            assertEquals(List.of(1_800_000_005_000L, 1_800_000_000_000L + EgressApi.CLOCK_WINDOW.toMillis()), deadlines);
        } finally {
            s.stop(0);
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A 200 answering every packet of the request in {@code r} Sent, as raw bytes. */
    private static byte[] ok(RawHttpServer.Request r) {
        byte[] body;
        try {
            EgressRequest req = EgressBinary.readRequest(r.body());
            body = EgressBinary.writeResponse(new EgressResponse(req.packets().stream().map(p -> EgressResult.sent(p.id())).toList()));
        } catch (IOException e) {
            throw new AssertionError("the client sent a body that does not parse", e);
        }
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: " + EgressBinary.RESPONSE_TYPE + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static Reply ok(RawHttpServer.Request r, Then then) {
        return new Reply(ok(r), then);
    }

    private static long timesSeen(RawHttpServer s, String nonce) {
        return s.requests().stream().filter(r -> nonce.equals(r.header(EgressApi.HEADER_NONCE))).count();
    }

    /** The sender closed the kept connection between two calls: the second call is sent once more, on a new connection. */
    @Test
    void aKeptConnectionTheSenderClosedBetweenCallsIsReplacedAndTheCallSucceeds() throws Exception {
        try (RawHttpServer s = new RawHttpServer((i, r) -> ok(r, i == 0 ? Then.CLOSE : Then.KEEP))) {
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), TIMEOUT);
            assertEquals(List.of(EgressResult.sent("m/0")), t.post(s.url(), request("m/0")).results());
            s.awaitClosedByServer();
            assertEquals(List.of(EgressResult.sent("m/1")), t.post(s.url(), request("m/1")).results());
            List<RawHttpServer.Request> got = s.requests();
            RawHttpServer.Request last = got.get(got.size() - 1);
            assertEquals(1, last.connection(), "answered on a new connection");
            assertTrue(timesSeen(s, last.header(EgressApi.HEADER_NONCE)) <= 2);
            assertEquals(2, s.connections());
        }
    }

    /** The sender took the request and closed without a word: the same bytes, the same nonce, once more. */
    @Test
    void theRequestSentOnceMoreIsTheSameBytes() throws Exception {
        try (RawHttpServer s = new RawHttpServer((i, r) -> i == 1 ? Reply.none(Then.CLOSE) : ok(r, Then.KEEP))) {
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), TIMEOUT);
            t.post(s.url(), request("m/0"));
            assertEquals(List.of(EgressResult.sent("m/1")), t.post(s.url(), request("m/1")).results());
            List<RawHttpServer.Request> got = s.requests();
            assertEquals(3, got.size());
            assertEquals(List.of(0, 0, 1), got.stream().map(RawHttpServer.Request::connection).toList());
            assertArrayEquals(got.get(1).bytes(), got.get(2).bytes());
            assertEquals(2, timesSeen(s, got.get(2).header(EgressApi.HEADER_NONCE)));
        }
    }

    /** A new connection that ends without an answer may have carried the request to a sender that sent it: never re-sent here, and a re-sent request at most once. */
    @Test
    void aRequestIsNeverSentOnceMoreFromANewConnectionNorTwiceMore() throws Exception {
        try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.none(Then.CLOSE))) {
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), TIMEOUT);
            assertThrows(SenderUnavailableException.class, () -> t.post(s.url(), request("m/0")));
            assertEquals(1, s.requests().size());
        }
        try (RawHttpServer s = new RawHttpServer((i, r) -> i == 0 ? ok(r, Then.KEEP) : Reply.none(Then.CLOSE))) {
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), TIMEOUT);
            t.post(s.url(), request("m/0"));
            assertThrows(SenderUnavailableException.class, () -> t.post(s.url(), request("m/1")));
            assertEquals(3, s.requests().size(), "the kept connection's copy and one more on a new connection");
            assertEquals(2, timesSeen(s, s.requests().get(2).header(EgressApi.HEADER_NONCE)));
        }
    }

    /**
     * Once any of an answer arrived, or the wait for one ran out, the sender has the request and
     * may be sending its packets: the call fails (the state machine decides) and is not re-sent.
     */
    @Test
    void aKeptConnectionThatBreaksOrTimesOutAfterTheRequestIsNotResent() throws Exception {
        String[][] cases = {
                {"HTTP/1.1 200 OK\r\nContent-Len", "CLOSE"},
                {"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n", "CLOSE"},
                {"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n", "HOLD"},
                {"", "HOLD"}};
        for (String[] c : cases) {
            try (RawHttpServer s = new RawHttpServer((i, r) -> i == 0 ? ok(r, Then.KEEP)
                    : i == 1 ? Reply.of(c[0], Then.valueOf(c[1])) : ok(r, Then.KEEP))) {
                HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), Duration.ofMillis(300));
                t.post(s.url(), request("m/0"));
                assertThrows(SenderUnavailableException.class, () -> t.post(s.url(), request("m/1")), c[0] + " " + c[1]);
                assertEquals(2, s.requests().size(), c[0] + " " + c[1]);
                assertEquals(1, s.connections(), c[0] + " " + c[1]);
            }
        }
    }

    /** Bytes the sender sent after an answer are never taken for the next call's answer. */
    @Test
    void bytesAfterAnAnswerAreNotTheNextCallsAnswer() throws Exception {
        byte[] extra = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        try (RawHttpServer s = new RawHttpServer((i, r) -> {
            if (i > 0) return ok(r, Then.KEEP);
            byte[] a = ok(r);
            byte[] both = Arrays.copyOf(a, a.length + extra.length);
            System.arraycopy(extra, 0, both, a.length, extra.length);
            return new Reply(both, Then.HOLD);
        })) {
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), TIMEOUT);
            t.post(s.url(), request("m/0"));
            assertEquals(List.of(EgressResult.sent("m/1")), t.post(s.url(), request("m/1")).results());
            assertEquals(2, s.connections());
        }
    }

    /** This thread's write system calls so far (Linux); the receiver on loopback cannot tell one write from two. */
    private static long writeCalls() throws IOException {
        java.nio.file.Path io = java.nio.file.Path.of("/proc/thread-self/io");
        Assumptions.assumeTrue(java.nio.file.Files.isReadable(io), "no per-thread I/O counters here");
        for (String line : java.nio.file.Files.readAllLines(io)) {
            if (line.startsWith("syscw:")) return Long.parseLong(line.substring(6).trim());
        }
        throw new AssertionError("no syscw in " + io);
    }

    @Test
    void theRequestsHeadAndBodyArriveInOnePiece() throws Exception {
        try (RawHttpServer s = new RawHttpServer((i, r) -> ok(r, Then.KEEP))) {
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), TIMEOUT);
            long before = writeCalls();
            t.post(s.url(), request("m/0"));
            assertEquals(1, writeCalls() - before, "write system calls for one call");
            // A path longer than the room kept for the head: laid out in an array of its own, still one write.
            before = writeCalls();
            t.post(s.url() + "/" + "p".repeat(3_000), request("m/1"));
            assertEquals(1, writeCalls() - before, "write system calls for one call");
            for (RawHttpServer.Request r : s.requests()) {
                assertEquals(r.bytes().length, r.firstRead(), "the whole request in the server's first read");
                assertTrue(r.head().startsWith("POST /"), r.head());
                assertEquals(String.valueOf(r.body().length), r.header("Content-Length"));
            }
            assertTrue(s.requests().get(1).head().startsWith("POST /" + "p".repeat(3_000) + EgressApi.PATH + " HTTP/1.1\r\n"));
        }
    }

    /** The endpoint is configuration: nothing in it may end a line of the head or the request target. */
    @Test
    void anEndpointThatWouldSplitTheHeadIsRefusedBeforeAnythingIsWritten() throws Exception {
        try (RawHttpServer s = new RawHttpServer((i, r) -> ok(r, Then.KEEP))) {
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), TIMEOUT);
            String url = s.url();
            for (String bad : new String[] {
                    url + "/x\r\nX-Injected: 1",
                    url + "\r\nX-Injected: 1",
                    url + "/x\nX-Injected: 1",
                    url + "/a b",
                    url + "/\u00e9",
                    url.replace("127.0.0.1", "127.0.0.1\r\nX-Injected: 1"),
                    url + "?X-Injected=1",
                    url.replace("http://", "http://user@"),
                    url.replace("http://", "https://"),
                    "http://127.0.0.1:65536",
                    "http://127.0.0.1:0",
                    "http://127.0.0.1:99999999999"}) {
                assertThrows(EgressRejectedException.class, () -> t.post(bad, request("m/0")), bad);
            }
            // Percent-encoded, a line end stays three harmless characters of the request target.
            t.post(url + "/%0D%0AX-Injected:%201", request("m/1"));
            assertEquals(1, s.requests().size(), "only the last call was written");
            RawHttpServer.Request r = s.requests().get(0);
            assertTrue(r.head().startsWith("POST /%0D%0AX-Injected:%201" + EgressApi.PATH + " HTTP/1.1\r\n"), r.head());
            assertEquals(null, r.header("X-Injected"));
        }
    }

    @Test
    void anIpv6EndpointIsReachedAndNamedInTheHostField() throws Exception {
        InetAddress v6;
        try {
            v6 = InetAddress.getByName("::1");
            new java.net.ServerSocket(0, 1, v6).close();
        } catch (IOException e) {
            Assumptions.abort("no IPv6 loopback here: " + e);
            return;
        }
        try (RawHttpServer s = new RawHttpServer(v6, (i, r) -> ok(r, Then.KEEP))) {
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), TIMEOUT);
            String url = "http://[::1]:" + s.port();
            assertEquals(List.of(EgressResult.sent("m/0")), t.post(url, request("m/0")).results());
            assertEquals(List.of(EgressResult.sent("m/1")), t.post(url + "/", request("m/1")).results());
            assertEquals("[::1]:" + s.port(), s.requests().get(0).header("Host"));
            assertEquals(1, s.connections(), "the kept connection serves both spellings of the endpoint");
        }
    }

    /** An answer that does not parse is a failed call that may work later, never an unchecked exception. */
    @Test
    void aMalformedAnswerIsASenderUnavailable() throws Exception {
        try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.of(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n\r\n0\r\n\r\n", Then.CLOSE))) {
            HttpEgressTransport t = new HttpEgressTransport(KEY, Clock.systemUTC(), TIMEOUT);
            assertThrows(SenderUnavailableException.class, () -> t.post(s.url(), request("m/0")));
        }
    }

    /**
     * Threads share one transport, each with its own request array; an older sender answers the
     * Poly1305 form 401 so each body goes again in the HMAC form from the same array. Every
     * request the server verifies is the body its signature covers, and every caller gets its own
     * packets' results.
     */
    @Test
    void concurrentCallersAndTheOlderFormsSecondSendKeepTheirOwnBodies() throws Exception {
        EgressVerifier verifier = new EgressVerifier(KEY);
        List<String> problems = new CopyOnWriteArrayList<>();
        try (RawHttpServer s = new RawHttpServer((i, r) -> {
            String sig = r.header(EgressApi.HEADER_SIGNATURE);
            if (sig.startsWith("poly1305:")) return Reply.of("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", Then.KEEP);
            EgressVerifier.Verdict v = verifier.verify(r.header(EgressApi.HEADER_TIMESTAMP), r.header(EgressApi.HEADER_NONCE),
                    sig, r.body(), System.currentTimeMillis());
            if (!v.ok()) problems.add(v.toString());
            return ok(r, Then.KEEP);
        })) {
            HttpEgressTransport shared = new HttpEgressTransport(KEY, Clock.systemUTC(), TIMEOUT);
            int threads = 4;
            int calls = 100;
            ExecutorService ex = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int n = 0; n < threads; n++) {
                    int thread = n;
                    done.add(ex.submit(() -> {
                        // The endpoint differs per call, so the older form is never remembered and every call sends twice.
                        start.await();
                        for (int c = 0; c < calls; c++) {
                            List<EgressPacket> ps = new ArrayList<>();
                            for (int p = 0; p <= c % 7; p++) {
                                ps.add(new EgressPacket("t" + thread + "/" + c + "/" + p, "203.0.113.9", 5683, null, new byte[c + thread]));
                            }
                            EgressResponse r = shared.post(s.url() + "/t" + thread + "c" + c, new EgressRequest("coap", ps));
                            assertEquals(ps.stream().map(p -> EgressResult.sent(p.id())).toList(), r.results());
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : done) f.get();
            } finally {
                ex.shutdownNow();
            }
            assertEquals(List.of(), problems);
            assertEquals(2 * threads * calls, s.requests().size());
        }
    }
}
