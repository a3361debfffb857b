package com.proxylity.packetsource.functions.egressclient;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressMacScheme;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressSigner;
import com.proxylity.packetsource.core.egressapi.SignedHeaders;
import com.proxylity.packetsource.functions.EgressRejectedException;
import com.proxylity.packetsource.functions.SenderUnavailableException;
import com.proxylity.packetsource.functions.egressclient.Http1Connection.Answer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The egress API over HTTP/1.1: the body signed (core {@link EgressSigner}, the Poly1305 form), a
 * fresh nonce per attempt. A sender of a release before that form answers it 401: the same body
 * goes once more in the HMAC-SHA256 form, and that sender gets that form for the next
 * {@link #OLDER_FORM_MILLIS} (at most {@link #OLDER_FORM_ENDPOINTS} such senders remembered), so
 * Egress and the sender image can be deployed in either order (docs/runbook.md). A 401 sends
 * nothing, so the second attempt can never send a packet twice. A request with batch identity carries its deadline (the signing time
 * plus the read timeout). Status mapping decides retries: 200 is read; 401 (key rotation, clock
 * skew), 408 (it arrived past its deadline, nothing was sent), 429 and 5xx, and no answer at all are {@link SenderUnavailableException} (retried); any
 * other status is {@link EgressRejectedException} (not retried: the same bytes would be refused
 * again).
 *
 * <p>Batches go in the binary framing ({@link EgressBinary}); one whose fields do not fit its
 * bounds (an id over 255 bytes, a Remote.Address longer than any IP literal) goes as JSON, which
 * the sender still accepts, so every packet keeps the outcome the sender's own checks give it.
 *
 * <p>The client is {@link Http1Connection}: the request's head and body are laid out in one
 * array (the body written there once, by {@link EgressBinary.SizedRequest#writeTo}, and signed in
 * place) and leave in one write; kept-alive connections wait in an {@link Http1Pool} for the next
 * call of this execution environment. It replaced the JDK's {@code HttpURLConnection}, which
 * copied every body into a growing buffer of its own and wrote the head and the body in two
 * system calls (the allocations of those copies were most of the egress API path's garbage,
 * BENCHMARKS.md), and before it the asynchronous {@code HttpClient}, which copied the body
 * through its own buffers and threads.
 *
 * <p>A request that meets a kept-alive connection the sender has closed meanwhile (the write
 * fails, or the connection ends before any answer) is sent once more, on a new connection, with
 * the same bytes and so the same nonce: refused as a replay if the first copy did arrive (then
 * the state machine retries with a new nonce, as after any lost answer), sent if it did not. A
 * request on a new connection is never re-sent here.
 */
public final class HttpEgressTransport implements EgressTransport {
    private static final int CONNECT_TIMEOUT_MS = 3_000;
    static final long OLDER_FORM_MILLIS = 10 * 60_000;
    static final int OLDER_FORM_ENDPOINTS = 64;

    private final EgressSigner signer;
    /** Senders that answered the Poly1305 form 401 and the HMAC form not: endpoint -> until (millis). */
    private final ConcurrentHashMap<String, Long> olderForm = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int readTimeoutMs;
    /** Room before the body for the request's head; a head that does not fit is laid out in a new array. */
    static final int HEAD_ROOM = 2048;
    /**
     * The last endpoint, parsed: parsing it per call showed in the API path's profile
     * (BENCHMARKS.md), and an execution environment talks to one sender. One entry, so it stays bounded.
     */
    private volatile Target last;
    private final Http1Pool pool;
    /** Each calling thread's request array (head room, then the body), kept for its next call. */
    private final ThreadLocal<byte[]> requests = new ThreadLocal<>();

    /** Where requests to one endpoint go. */
    private record Target(String endpoint, String host, int port, String sender, String requestLine) { }

    /** A body laid out at {@link #HEAD_ROOM} of {@code array}. */
    private record Body(byte[] array, int length, String contentType) { }

    public HttpEgressTransport(byte[] hmacKey, Clock clock, Duration timeout) {
        this(new EgressSigner(hmacKey), clock, timeout);
    }

    public HttpEgressTransport(EgressSigner signer, Clock clock, Duration timeout) {
        this.signer = signer;
        this.clock = clock;
        this.readTimeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        this.pool = new Http1Pool(clock);
    }

    @Override
    public EgressResponse post(String endpoint, EgressRequest request) {
        long now = clock.millis();
        if (!request.segments().isEmpty() || request.run() != null) {
            // When this client stops waiting: the sender sends nothing that arrives later.
            // Never beyond the clock window: the sender refuses such a deadline as malformed.
            long deadline = now + Math.min(readTimeoutMs, EgressApi.CLOCK_WINDOW.toMillis());
            request = new EgressRequest(request.listener(), request.packets(), deadline, request.run(), request.segments());
        }
        Body body = layOut(request);
        EgressSigner form = usesOlderForm(endpoint, now) ? signer.inScheme(EgressMacScheme.HMAC_SHA256) : signer;
        Answer a = send(endpoint, body, form.sign(body.array(), HEAD_ROOM, body.length(), now));
        if (a.status() == 401 && form.scheme() != EgressMacScheme.HMAC_SHA256) {
            Answer older = send(endpoint, body,
                    signer.inScheme(EgressMacScheme.HMAC_SHA256).sign(body.array(), HEAD_ROOM, body.length(), clock.millis()));
            if (older.status() != 401) rememberOlderForm(endpoint, clock.millis());
            a = older;
        }
        if (a.status() == 200) {
            if (a.body() == null) {
                throw new EgressRejectedException("sender answer exceeds " + EgressApi.MAX_BODY_BYTES + " bytes");
            }
            try {
                boolean binaryAnswer = a.contentType() != null && EgressBinary.RESPONSE_TYPE.equalsIgnoreCase(a.contentType().trim());
                return binaryAnswer ? EgressBinary.readResponse(a.body(), request) : EgressJson.readResponse(a.body());
            } catch (IOException e) {
                throw new EgressRejectedException("sender answer is not an egress response");
            }
        }
        if (a.status() == 401 || a.status() == 408 || a.status() == 429 || a.status() >= 500) {
            throw new SenderUnavailableException("sender answered " + a.status(), null);
        }
        throw new EgressRejectedException("sender refused the request with " + a.status());
    }

    /** The body in this thread's request array, binary when every field fits its bounds, JSON otherwise. */
    private Body layOut(EgressRequest request) {
        EgressBinary.SizedRequest binary;
        try {
            binary = EgressBinary.size(request);
        } catch (IllegalArgumentException e) {
            binary = null;
        }
        byte[] json = binary == null ? EgressJson.writeRequest(request) : null;
        int length = binary != null ? binary.size() : json.length;
        if (length > EgressApi.MAX_BODY_BYTES) {
            throw new EgressRejectedException("egress request of " + length + " bytes exceeds the API limit");
        }
        byte[] array = requests.get();
        if (array == null || array.length < HEAD_ROOM + length) {
            array = new byte[HEAD_ROOM + Math.max(length, array == null ? 0 : Math.min(EgressApi.MAX_BODY_BYTES, 2 * (array.length - HEAD_ROOM)))];
            requests.set(array);
        }
        if (binary != null) {
            binary.writeTo(array, HEAD_ROOM);
            return new Body(array, length, EgressBinary.REQUEST_TYPE);
        }
        System.arraycopy(json, 0, array, HEAD_ROOM, length);
        return new Body(array, length, EgressApi.CONTENT_TYPE);
    }

    private Answer send(String endpoint, Body body, SignedHeaders h) {
        Target t = target(endpoint);
        byte[] head = head(t, body, h);
        byte[] out = body.array();
        int offset = HEAD_ROOM - head.length;
        if (offset < 0) {
            out = new byte[head.length + body.length()];
            System.arraycopy(body.array(), HEAD_ROOM, out, head.length, body.length());
            offset = 0;
        }
        System.arraycopy(head, 0, out, offset, head.length);
        int length = head.length + body.length();
        Http1Connection c = pool.take(t.sender());
        try {
            if (c != null) {
                try {
                    return exchange(t, c, out, offset, length);
                } catch (Http1Connection.NoAnswerException stale) {
                    // The kept connection was closed by the sender meanwhile: once more, on a new one.
                }
            }
            c = Http1Connection.open(t.host(), t.port(), CONNECT_TIMEOUT_MS);
            return exchange(t, c, out, offset, length);
        } catch (IOException e) {
            throw new SenderUnavailableException("sender unreachable: " + e.getClass().getSimpleName(), e);
        }
    }

    private Answer exchange(Target t, Http1Connection c, byte[] out, int offset, int length) throws IOException {
        Http1Connection.Answer a = c.exchange(out, offset, length, readTimeoutMs, EgressApi.MAX_BODY_BYTES);
        pool.give(t.sender(), c);
        return a;
    }

    private static byte[] head(Target t, Body body, SignedHeaders h) {
        StringBuilder sb = new StringBuilder(256).append(t.requestLine())
                .append("Content-Type: ").append(body.contentType()).append("\r\n")
                .append("Content-Length: ").append(body.length()).append("\r\n");
        field(sb, EgressApi.HEADER_TIMESTAMP, h.timestamp());
        field(sb, EgressApi.HEADER_NONCE, h.nonce());
        field(sb, EgressApi.HEADER_SIGNATURE, h.signature());
        if (h.keyId() != null) field(sb, EgressApi.HEADER_KEY_ID, h.keyId());
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A header field whose value came from configuration or a signer: no control character may split the head. */
    private static void field(StringBuilder sb, String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) throw new EgressRejectedException("header " + name + " holds a character HTTP cannot carry");
        }
        sb.append(name).append(": ").append(value).append("\r\n");
    }

    private boolean usesOlderForm(String endpoint, long now) {
        Long until = olderForm.get(endpoint);
        if (until == null) return false;
        if (until > now) return true;
        olderForm.remove(endpoint, until); // the sender may have been replaced by a current one
        return false;
    }

    private void rememberOlderForm(String endpoint, long now) {
        // Bounded: endpoints come from the registry and task rows, but a table that keeps them is never unbounded.
        if (olderForm.size() >= OLDER_FORM_ENDPOINTS) olderForm.clear();
        olderForm.put(endpoint, now + OLDER_FORM_MILLIS);
    }

    /** A Listener's senderEndpoint is the sender's base URL; the full egress URL is accepted too. */
    static URI egressUri(String endpoint) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        return URI.create(base.endsWith(EgressApi.PATH) ? base : base + EgressApi.PATH);
    }

    private Target target(String endpoint) {
        Target t = last;
        if (t == null || !t.endpoint().equals(endpoint)) last = t = parse(endpoint);
        return t;
    }

    private static Target parse(String endpoint) {
        URI u;
        try {
            u = egressUri(endpoint);
        } catch (IllegalArgumentException e) {
            throw new EgressRejectedException("sender endpoint is not an http URL: " + endpoint);
        }
        // Plain HTTP inside the VPC (docs/sender.md): anything else is a configuration error, never a downgrade.
        if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getRawUserInfo() != null
                || u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new EgressRejectedException("sender endpoint is not an http URL: " + endpoint);
        }
        int port = u.getPort() < 0 ? 80 : u.getPort();
        // URI takes any number as a port; past 65535 the socket would throw, unchecked, from the send.
        if (port < 1 || port > 0xFFFF) throw new EgressRejectedException("sender endpoint is not an http URL: " + endpoint);
        String host = u.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        String authority = host + (u.getPort() < 0 ? "" : ":" + port);
        // The parts of the URL that go into the head: visible ASCII only, so none can end a line
        // or the request line's target early, whatever URI lets through.
        String parts = u.getRawPath() + authority;
        for (int i = 0; i < parts.length(); i++) {
            char c = parts.charAt(i);
            if (c <= 0x20 || c > 0x7e) throw new EgressRejectedException("sender endpoint is not an http URL: " + endpoint);
        }
        String requestLine = "POST " + u.getRawPath() + " HTTP/1.1\r\nHost: " + authority + "\r\n";
        return new Target(endpoint, bare, port, bare + ":" + port, requestLine);
    }
}
