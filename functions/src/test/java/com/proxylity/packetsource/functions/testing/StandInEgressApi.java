package com.proxylity.packetsource.functions.testing;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the sender's egress API, for pipeline tests only: it checks the request's
 * HMAC signature with the real core verifier (401 and nothing sent otherwise) and sends each
 * plain-UDP payload as a datagram from its own socket to {@code target} (the test's receiver),
 * instead of to the packet's Remote address, which in test events is a documentation address.
 * WireGuard packets are answered Sent without sealing (sealing is the sender's job and is tested
 * there); their ids are recorded. {@link #stop()} / {@link #start()} simulate the sender going
 * down and coming back on the same port.
 */
public final class StandInEgressApi implements AutoCloseable {
    private final byte[] key;
    private final InetSocketAddress target;
    private final DatagramSocket socket;
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final java.util.Map<String, byte[]> payloads = new ConcurrentHashMap<>();
    private final Set<String> discardIds = ConcurrentHashMap.newKeySet();
    private volatile int port;
    private volatile HttpServer server;
    private volatile EgressVerifier verifier;
    private volatile int unauthorized;
    private volatile int forcedStatus;
    private volatile boolean hmacOnly;
    private final List<String> forms = new CopyOnWriteArrayList<>();

    public StandInEgressApi(byte[] key, InetSocketAddress target) throws IOException {
        this.key = key.clone();
        this.target = target;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        start();
    }

    public synchronized void start() throws IOException {
        if (server != null) return;
        verifier = new EgressVerifier(key);
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        s.createContext(EgressApi.PATH, this::egress);
        s.start();
        port = s.getAddress().getPort();
        server = s;
    }

    public synchronized void stop() {
        if (server != null) server.stop(0);
        server = null;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Packet ids answered Sent, in order. */
    public List<String> accepted() {
        return List.copyOf(accepted);
    }

    /** The exact payload bytes of each packet answered Sent, by id. */
    public java.util.Map<String, byte[]> payloads() {
        return java.util.Map.copyOf(payloads);
    }

    public void clear() {
        forcedStatus = 0;
        accepted.clear();
        payloads.clear();
        discardIds.clear();
    }

    public int unauthorized() {
        return unauthorized;
    }

    /** Answer every request with this status and send nothing (0: behave normally). */
    public void forceStatus(int status) {
        forcedStatus = status;
    }

    /**
     * Acts as a sender of the release before the Poly1305 form: its verifier took the value for
     * base64 and refused it (401); the HMAC form it checked as today.
     */
    public void hmacOnly(boolean on) {
        hmacOnly = on;
    }

    /** The form of each request's signature, in order: "poly1305" or "hmac". */
    public List<String> forms() {
        return List.copyOf(forms);
    }

    /** Packets with these ids are answered Discarded/SendError (a sender-side per-packet discard). */
    public void discard(String id) {
        discardIds.add(id);
    }

    private void egress(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (forcedStatus != 0) {
                reply(ex, forcedStatus, new byte[0]);
                return;
            }
            var h = ex.getRequestHeaders();
            String signature = h.getFirst(EgressApi.HEADER_SIGNATURE);
            boolean poly = signature != null && signature.startsWith("poly1305:");
            forms.add(poly ? "poly1305" : "hmac");
            if (poly && hmacOnly) {
                unauthorized++;
                reply(ex, 401, new byte[0]);
                return;
            }
            var verdict = verifier.verify(h.getFirst(EgressApi.HEADER_TIMESTAMP), h.getFirst(EgressApi.HEADER_NONCE),
                    h.getFirst(EgressApi.HEADER_SIGNATURE), body, System.currentTimeMillis());
            if (!verdict.ok()) {
                unauthorized++;
                reply(ex, 401, new byte[0]);
                return;
            }
            // Either framing the sender accepts; answered in the same one, as the sender does.
            boolean binary = EgressBinary.isRequestType(h.getFirst("Content-Type"));
            EgressRequest req = binary ? EgressBinary.readRequest(body) : EgressJson.readRequest(body);
            List<EgressResult> results = new ArrayList<>();
            for (EgressPacket p : req.packets()) {
                if (discardIds.contains(p.id())) {
                    results.add(EgressResult.discarded(p.id(), DiscardReason.SendError));
                    continue;
                }
                if (p.peerKey() == null) {
                    socket.send(new DatagramPacket(p.payload(), p.payload().length, target));
                }
                accepted.add(p.id());
                payloads.put(p.id(), p.payload());
                results.add(EgressResult.sent(p.id()));
            }
            EgressResponse answer = new EgressResponse(results);
            if (binary) {
                ex.getResponseHeaders().set("Content-Type", EgressBinary.RESPONSE_TYPE);
                ex.sendResponseHeaders(200, 0);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(EgressBinary.writeResponse(answer));
                }
                return;
            }
            reply(ex, 200, EgressJson.writeResponse(answer));
        }
    }

    private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", EgressApi.CONTENT_TYPE);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    @Override
    public void close() {
        stop();
        socket.close();
    }
}
