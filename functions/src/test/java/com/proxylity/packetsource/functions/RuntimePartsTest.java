package com.proxylity.packetsource.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.functions.model.ItemIdentifier;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.functions.state.StateJson;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.ratelimit.TokenBucketRateLimiter;
import com.proxylity.packetsource.functions.testing.StandInEgressApi;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RuntimePartsTest {
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

    /** Batches go in the binary framing; one with a field beyond its bounds goes as JSON. */
    @Test
    void egressIsBinaryAndFallsBackToJsonOnlyWhenAFieldDoesNotFit() throws Exception {
        List<String> types = new java.util.concurrent.CopyOnWriteArrayList<>();
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
            assertEquals(List.of(com.proxylity.packetsource.core.egressapi.EgressBinary.REQUEST_TYPE,
                    com.proxylity.packetsource.core.egressapi.EgressApi.CONTENT_TYPE), types);
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
            assertEquals(1, sender.unauthorized());
            assertEquals(List.of(), sender.accepted());
            HttpEgressTransport right = new HttpEgressTransport(other, Clock.systemUTC(), Duration.ofSeconds(5));
            assertEquals(1, right.post(sender.endpoint() + "/v1/egress", request()).results().size());
        }
    }

    @Test
    void tokenBucketBurstsToItsRateThenRefills() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T08:00:00Z"));
        Clock clock = new Clock() {
            public ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(ZoneId z) { return this; }
            public Instant instant() { return now.get(); }
        };
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter(clock);
        assertEquals(10, limiter.acquire("t", 10, 25));
        assertEquals(0, limiter.acquire("t", 10, 1));
        now.set(now.get().plusMillis(500));
        assertEquals(5, limiter.acquire("t", 10, 25));
        assertEquals(7, limiter.acquire("other", 10, 7), "buckets are per source");
        now.set(now.get().plusSeconds(60));
        assertEquals(10, limiter.acquire("t", 10, 25), "capacity is one second of tokens");
    }

    @Test
    void reportFailuresFlattensAndDeduplicates() throws Exception {
        ReportFailures r = new ReportFailures(Environment.pipelineMetrics());
        String in = "[{\"Failed\":[]},{\"Failed\":[{\"itemIdentifier\":\"a\"},{\"itemIdentifier\":\"b\"}]},"
                + "{\"Failed\":[{\"itemIdentifier\":\"a\"}]}]";
        byte[] out = r.handleJson(in.getBytes(StandardCharsets.UTF_8));
        assertEquals("{\"batchItemFailures\":[{\"itemIdentifier\":\"a\"},{\"itemIdentifier\":\"b\"}]}",
                new String(out, StandardCharsets.UTF_8));
        assertEquals(List.of(), r.handle(new ReportFailures.Input()).batchItemFailures());
        assertEquals(new ItemIdentifier("x"), StateJson.MAPPER.readValue("{\"itemIdentifier\":\"x\"}", ItemIdentifier.class));
    }

    @Test
    void theLambdaStreamEntryPointRunsTheStage() throws Exception {
        ReportFailures r = new ReportFailures(Environment.pipelineMetrics());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.handleRequest(new ByteArrayInputStream("[{\"Failed\":[{\"itemIdentifier\":\"z\"}]}]".getBytes(StandardCharsets.UTF_8)),
                out, new StubContext());
        assertEquals("{\"batchItemFailures\":[{\"itemIdentifier\":\"z\"}]}", out.toString(StandardCharsets.UTF_8));
    }

    static final class StubContext implements Context {
        public String getAwsRequestId() { return "req-1"; }
        public String getLogGroupName() { return "/aws/lambda/ReportFailures"; }
        public String getLogStreamName() { return "stream"; }
        public String getFunctionName() { return "ReportFailures"; }
        public String getFunctionVersion() { return "$LATEST"; }
        public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:123456789012:function:ReportFailures"; }
        public CognitoIdentity getIdentity() { return null; }
        public ClientContext getClientContext() { return null; }
        public int getRemainingTimeInMillis() { return 10_000; }
        public int getMemoryLimitInMB() { return 512; }
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                public void log(String message) { }
                public void log(byte[] message) { }
            };
        }
    }
}
