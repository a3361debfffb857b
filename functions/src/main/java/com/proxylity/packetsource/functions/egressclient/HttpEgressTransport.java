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
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
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
 * <p>The JDK's blocking {@link HttpURLConnection}, not its asynchronous {@code HttpClient}: an
 * Egress call is one request that waits for its answer, and the blocking client writes the body
 * from the caller's array straight to the socket, where the asynchronous one copies it through
 * its own buffers and hands it between threads, which cost more CPU per packet than the HMAC
 * of that time (BENCHMARKS.md, sender decisions). Its keep-alive cache is per JVM, so the connection
 * to a sender is reused across invocations of one execution environment: no TCP set-up per batch.
 *
 * <p>Not in fixed-length streaming mode, on purpose: for a streamed POST on a reused connection
 * the JDK first probes the socket with a 1 ms read timeout (it could not re-send a streamed
 * body), which put that wait and a thrown exception on every call and limited small batches
 * (BENCHMARKS.md). Buffered, the body is copied once more (cheap next to it) and a POST
 * that meets a connection the sender already closed is re-sent once by the JDK with the same
 * nonce: refused as a replay if the first copy did arrive (then the state machine retries with
 * a new nonce, as after any lost answer), sent if it did not.
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
    /**
     * The last endpoint's URL: parsing it per call showed in the API path's profile
     * (BENCHMARKS.md), and an execution environment talks to one sender. One entry, so it stays bounded.
     */
    private volatile Resolved last;

    private record Resolved(String endpoint, URL url) { }

    public HttpEgressTransport(byte[] hmacKey, Clock clock, Duration timeout) {
        this(new EgressSigner(hmacKey), clock, timeout);
    }

    public HttpEgressTransport(EgressSigner signer, Clock clock, Duration timeout) {
        this.signer = signer;
        this.clock = clock;
        this.readTimeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
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
        byte[] body;
        String contentType;
        try {
            body = EgressBinary.writeRequest(request);
            contentType = EgressBinary.REQUEST_TYPE;
        } catch (IllegalArgumentException e) {
            body = EgressJson.writeRequest(request);
            contentType = EgressApi.CONTENT_TYPE;
        }
        if (body.length > EgressApi.MAX_BODY_BYTES) {
            throw new EgressRejectedException("egress request of " + body.length + " bytes exceeds the API limit");
        }
        EgressSigner form = usesOlderForm(endpoint, now) ? signer.inScheme(EgressMacScheme.HMAC_SHA256) : signer;
        Answer a = send(endpoint, body, contentType, form.sign(body, now));
        if (a.status() == 401 && form.scheme() != EgressMacScheme.HMAC_SHA256) {
            Answer older = send(endpoint, body, contentType, signer.inScheme(EgressMacScheme.HMAC_SHA256).sign(body, clock.millis()));
            if (older.status() != 401) rememberOlderForm(endpoint, clock.millis());
            a = older;
        }
        if (a.status() == 200) {
            if (a.body() == null) {
                a.connection().disconnect();
                throw new EgressRejectedException("sender answer exceeds " + EgressApi.MAX_BODY_BYTES + " bytes");
            }
            try {
                boolean binaryAnswer = a.type() != null && EgressBinary.RESPONSE_TYPE.equalsIgnoreCase(a.type().trim());
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

    private record Answer(HttpURLConnection connection, int status, byte[] body, String type) { }

    private Answer send(String endpoint, byte[] body, String contentType, SignedHeaders h) {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) url(endpoint).openConnection(Proxy.NO_PROXY);
            c.setConnectTimeout(CONNECT_TIMEOUT_MS);
            c.setReadTimeout(readTimeoutMs);
            c.setInstanceFollowRedirects(false); // a redirect would turn the POST into a GET elsewhere
            c.setUseCaches(false);
            c.setDoOutput(true);
            c.setRequestMethod("POST");
            c.setRequestProperty("Content-Type", contentType);
            c.setRequestProperty(EgressApi.HEADER_TIMESTAMP, h.timestamp());
            c.setRequestProperty(EgressApi.HEADER_NONCE, h.nonce());
            c.setRequestProperty(EgressApi.HEADER_SIGNATURE, h.signature());
            if (h.keyId() != null) c.setRequestProperty(EgressApi.HEADER_KEY_ID, h.keyId());
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            String type = c.getContentType();
            // Read every answer to its end, errors too: only a drained connection goes back to
            // the keep-alive cache.
            return new Answer(c, status, readBounded(status >= 400 ? c.getErrorStream() : c.getInputStream()), type);
        } catch (IOException e) {
            if (c != null) c.disconnect();
            throw new SenderUnavailableException("sender unreachable: " + e.getClass().getSimpleName(), e);
        }
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

    /** The whole stream, or null (stream left unread) when it is longer than any egress answer. */
    private static byte[] readBounded(InputStream in) throws IOException {
        if (in == null) return new byte[0];
        try (in) {
            byte[] b = in.readNBytes(EgressApi.MAX_BODY_BYTES + 1);
            return b.length > EgressApi.MAX_BODY_BYTES ? null : b;
        }
    }

    /** A Listener's senderEndpoint is the sender's base URL; the full egress URL is accepted too. */
    static URI egressUri(String endpoint) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        return URI.create(base.endsWith(EgressApi.PATH) ? base : base + EgressApi.PATH);
    }

    private URL url(String endpoint) {
        Resolved r = last;
        if (r == null || !r.endpoint().equals(endpoint)) last = r = new Resolved(endpoint, egressUrl(endpoint));
        return r.url();
    }

    private static URL egressUrl(String endpoint) {
        try {
            return egressUri(endpoint).toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new EgressRejectedException("sender endpoint is not an http URL: " + endpoint);
        }
    }
}
