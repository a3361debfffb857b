package com.proxylity.packetsource.functions.egressclient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.functions.testing.RawHttpServer;
import com.proxylity.packetsource.functions.testing.RawHttpServer.Reply;
import com.proxylity.packetsource.functions.testing.RawHttpServer.Then;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Http1Connection against a loopback server that answers exactly the bytes each case needs: a
 * malformed answer is an IOException (never an unchecked one) and leaves the connection unusable;
 * well-formed bodies in every framing are read exactly; an over-limit body is refused without
 * being read; only an answer of which nothing arrived is a {@link Http1Connection.NoAnswerException}.
 */
class Http1ConnectionTest {
    /** Long enough never to expire on a working path; the cases that expect a timeout pass a short one. */
    private static final int READ_TIMEOUT_MS = 10_000;
    private static final int MAX_BODY = 1024;
    private static final byte[] REQUEST = ("POST /v1/egress HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\n\r\nhi")
            .getBytes(StandardCharsets.ISO_8859_1);

    private static Http1Connection connect(RawHttpServer s) throws IOException {
        return Http1Connection.open("127.0.0.1", s.port(), 3_000);
    }

    private static Http1Connection.Answer exchange(Http1Connection c) throws IOException {
        return c.exchange(REQUEST, 0, REQUEST.length, READ_TIMEOUT_MS, MAX_BODY);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void everyMalformedAnswerIsAnIOExceptionAndTheConnectionIsNotReused() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("not HTTP", "ICY 200 OK\r\n\r\n");
        cases.put("HTTP/2 status line", "HTTP/2 200\r\n\r\n");
        cases.put("minor version not a digit", "HTTP/1.x 200 OK\r\nContent-Length: 0\r\n\r\n");
        cases.put("status not digits", "HTTP/1.1 2x0 OK\r\n\r\n");
        cases.put("four-digit status", "HTTP/1.1 2000 OK\r\n\r\n");
        cases.put("status below 100 taken as interim", "HTTP/1.1 099 Early\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        cases.put("field without a colon", "HTTP/1.1 200 OK\r\nContent-Length 0\r\n\r\n");
        cases.put("space before the colon", "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok");
        cases.put("folded field line", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n X: y\r\n\r\nok");
        cases.put("negative length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n");
        cases.put("length with a sign", "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok");
        cases.put("empty length", "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n");
        cases.put("ten-digit length", "HTTP/1.1 200 OK\r\nContent-Length: 0000000002\r\n\r\nok");
        cases.put("conflicting lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nokk");
        cases.put("length list", "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok");
        cases.put("length and chunked", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
        cases.put("other coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
        cases.put("chunked twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
        cases.put("negative chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n\r\n0\r\n\r\n");
        cases.put("negative then positive chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n\r\na\r\n0123456789\r\n0\r\n\r\n");
        cases.put("chunk size with a sign", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+2\r\nok\r\n0\r\n\r\n");
        cases.put("chunk size not hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n");
        cases.put("empty chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\nok\r\n0\r\n\r\n");
        cases.put("nine-digit chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n000000002\r\nok\r\n0\r\n\r\n");
        cases.put("chunk longer than its size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n0\r\n\r\n");
        cases.put("switching protocols", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n");
        cases.put("head over the bound", "HTTP/1.1 200 OK\r\nX: " + "a".repeat(Http1Connection.MAX_HEAD_BYTES) + "\r\nContent-Length: 0\r\n\r\n");
        cases.put("interim answers without end", "HTTP/1.1 100 Continue\r\n\r\n".repeat(Http1Connection.MAX_HEAD_BYTES / 25 + 1));
        cases.put("chunk metadata over the bound", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1;" + "e".repeat(Http1Connection.MAX_HEAD_BYTES) + "\r\nx\r\n0\r\n\r\n");
        cases.put("trailers over the bound", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
                + "T: " + "t".repeat(Http1Connection.MAX_HEAD_BYTES) + "\r\n\r\n");
        cases.put("end within the status line", "HTTP/1.1 20");
        cases.put("end within the head", "HTTP/1.1 200 OK\r\nContent-Le");
        cases.put("end within a length-framed body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        cases.put("end within a chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nabc");
        cases.put("end before the last chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : cases.entrySet()) {
            // The server closes after its bytes: a parser that let the flaw through would see a complete answer.
            try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.of(e.getValue(), Then.CLOSE));
                 Http1Connection c = connect(s)) {
                try {
                    Http1Connection.Answer a = exchange(c);
                    wrong.add(e.getKey() + ": taken as status " + a.status() + " body " + (a.body() == null ? null : text(a.body())));
                } catch (Http1Connection.NoAnswerException noAnswer) {
                    wrong.add(e.getKey() + ": part of an answer arrived, so it may not be re-sent");
                } catch (IOException expected) {
                    // the answer refused
                } catch (RuntimeException unexpected) {
                    wrong.add(e.getKey() + ": " + unexpected);
                }
                if (c.reusable()) wrong.add(e.getKey() + ": connection kept");
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void aLengthFramedAnswerIsReadExactlyAndTheConnectionCarriesTheNextRequest() throws Exception {
        try (RawHttpServer s = new RawHttpServer((i, r) -> i == 0
                ? Reply.of("HTTP/1.1 200 OK\r\nContent-Type:  text/x \r\nContent-Length: 5\r\n\r\nhello", Then.KEEP)
                : Reply.of("HTTP/1.1 204 No Content\r\n\r\n", Then.KEEP));
             Http1Connection c = connect(s)) {
            Http1Connection.Answer a = exchange(c);
            assertEquals(200, a.status());
            assertEquals("text/x", a.contentType());
            assertEquals("hello", text(a.body()));
            assertTrue(c.reusable());
            Http1Connection.Answer b = exchange(c);
            assertEquals(204, b.status());
            assertEquals(0, b.body().length);
            assertTrue(c.reusable());
            assertEquals(1, s.connections());
            assertEquals(2, s.requests().size());
            assertArrayEquals(REQUEST, s.requests().get(1).bytes());
        }
    }

    @Test
    void aChunkedAnswerWithExtensionsTrailersAndBareLineFeedsIsReadExactly() throws Exception {
        try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.of("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\nTransfer-Encoding: Chunked\n\n3;name=value\r\nabc\r\nA\nde\r\nfghijk\n0\r\nTrailer-A: 1\nB: 2\r\n\r\n", Then.KEEP));
             Http1Connection c = connect(s)) {
            Http1Connection.Answer a = exchange(c);
            assertEquals(200, a.status());
            assertEquals("abcde\r\nfghijk", text(a.body()));
            assertTrue(c.reusable(), "the chunked body and its trailers were read to their end");
        }
    }

    @Test
    void anAnswerWithoutLengthIsReadToTheConnectionsEndAndEndsIt() throws Exception {
        try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.of("HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(MAX_BODY), Then.CLOSE));
             Http1Connection c = connect(s)) {
            Http1Connection.Answer a = exchange(c);
            assertEquals("x".repeat(MAX_BODY), text(a.body()));
            assertFalse(c.reusable());
        }
    }

    @Test
    void http10AndConnectionCloseAnswersEndTheConnection() throws Exception {
        for (String answer : new String[] {
                "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 2\r\n\r\nok"}) {
            try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.of(answer, Then.HOLD));
                 Http1Connection c = connect(s)) {
                assertEquals("ok", text(exchange(c).body()), answer);
                assertFalse(c.reusable(), answer);
            }
        }
    }

    /** Bytes past the answer were not asked for: on a reused connection they would answer the next request. */
    @Test
    void bytesBeyondTheAnswerEndTheConnection() throws Exception {
        try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.of(
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", Then.HOLD));
             Http1Connection c = connect(s)) {
            Http1Connection.Answer a = exchange(c);
            assertEquals(200, a.status());
            assertEquals("ok", text(a.body()));
            assertFalse(c.reusable());
        }
    }

    /**
     * Each body is over the limit and the server sends no more of it than shown and then waits: a
     * client that read the body before refusing it would wait for bytes that never come and time out.
     */
    @Test
    void anOverLimitBodyIsRefusedWithoutReadingIt() throws Exception {
        String[] answers = {
                "HTTP/1.1 200 OK\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n" + "y".repeat(512) + "\r\n201\r\n",
                "HTTP/1.1 200 OK\r\n\r\n" + "z".repeat(MAX_BODY + 1)};
        for (String answer : answers) {
            try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.of(answer, Then.HOLD));
                 Http1Connection c = connect(s)) {
                Http1Connection.Answer a = exchange(c);
                assertEquals(200, a.status());
                assertNull(a.body(), () -> answer.substring(0, 40) + " taken as a body of " + a.body().length + " bytes");
                assertFalse(c.reusable(), "the rest of the body is still on it");
            }
        }
    }

    /** The byte past the limit arrives with the rest and then the connection ends: the body is not taken cut at the limit. */
    @Test
    void aBodyFramedByTheConnectionsEndOneByteOverTheLimitIsRefused() throws Exception {
        try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.of("HTTP/1.1 200 OK\r\n\r\n" + "z".repeat(MAX_BODY + 1), Then.CLOSE));
             Http1Connection c = connect(s)) {
            byte[] body = exchange(c).body();
            assertNull(body, () -> "taken as a body of " + body.length + " bytes");
        }
    }

    @Test
    void aBodyOfExactlyTheLimitIsRead() throws Exception {
        try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(MAX_BODY) + "\r\n" + "q".repeat(MAX_BODY) + "\r\n0\r\n\r\n", Then.KEEP));
             Http1Connection c = connect(s)) {
            assertEquals(MAX_BODY, exchange(c).body().length);
            assertTrue(c.reusable());
        }
    }

    @Test
    void onlyAConnectionThatEndedBeforeAnyAnswerIsANoAnswer() throws Exception {
        try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.none(Then.CLOSE));
             Http1Connection c = connect(s)) {
            assertThrows(Http1Connection.NoAnswerException.class, () -> exchange(c));
            assertFalse(c.reusable());
        }
        try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.of("H", Then.CLOSE));
             Http1Connection c = connect(s)) {
            IOException e = assertThrows(IOException.class, () -> exchange(c));
            assertFalse(e instanceof Http1Connection.NoAnswerException, "one byte of an answer arrived");
        }
    }

    /** A sender still busy with the request may still send its packets: a timeout is never a no-answer, before or within the answer. */
    @Test
    void aReadTimeoutIsNotANoAnswer() throws Exception {
        for (String part : new String[] {"", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab"}) {
            try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.of(part, Then.HOLD));
                 Http1Connection c = connect(s)) {
                IOException e = assertThrows(IOException.class, () -> c.exchange(REQUEST, 0, REQUEST.length, 200, MAX_BODY));
                assertInstanceOf(SocketTimeoutException.class, e, part);
                assertFalse(c.reusable());
            }
        }
    }

    /**
     * The kernel's count of this thread's write system calls (Linux): on loopback the receiver
     * cannot tell one write from two made a microsecond apart, so the sender's count is the evidence.
     */
    static long writeCalls() throws IOException {
        Path io = Path.of("/proc/thread-self/io");
        Assumptions.assumeTrue(Files.isReadable(io), "no per-thread I/O counters here");
        for (String line : Files.readAllLines(io)) {
            if (line.startsWith("syscw:")) return Long.parseLong(line.substring(6).trim());
        }
        throw new AssertionError("no syscw in " + io);
    }

    /** Every byte comes well within the read timeout of the one before, the whole answer well after it. */
    @Test
    void theReadTimeoutBoundsTheWholeAnswerNotEachRead() throws Exception {
        String answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.dripped(answer, 40, Then.HOLD));
             Http1Connection c = connect(s)) {
            // The answer takes at least 38 x 40 ms to arrive, more than three times the timeout.
            IOException e = assertThrows(IOException.class, () -> c.exchange(REQUEST, 0, REQUEST.length, 500, MAX_BODY));
            assertInstanceOf(SocketTimeoutException.class, e);
            assertFalse(c.reusable());
        }
    }

    @Test
    void theRequestLeavesInOneWriteFromTheCallersOffset() throws Exception {
        byte[] framed = new byte[REQUEST.length + 10];
        System.arraycopy(REQUEST, 0, framed, 7, REQUEST.length);
        try (RawHttpServer s = new RawHttpServer((i, r) -> Reply.of("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", Then.KEEP));
             Http1Connection c = connect(s)) {
            long before = writeCalls();
            c.exchange(framed, 7, REQUEST.length, READ_TIMEOUT_MS, MAX_BODY);
            long writes = writeCalls() - before;
            RawHttpServer.Request r = s.requests().get(0);
            assertArrayEquals(REQUEST, r.bytes());
            assertEquals(REQUEST.length, r.firstRead(), "the whole request in the server's first read");
            assertEquals(1, writes, "write system calls for one request");
        }
    }
}
