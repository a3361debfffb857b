package com.proxylity.packetsource.functions;

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
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The Egress Lambda's HTTP client against a real HTTP/1.1 server on loopback (the JDK's): the
 * connection is kept and reused across calls, also after a refused call, and the answer is read
 * within its bound. Which TCP connection carried a request is the client port the server saw.
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
}
