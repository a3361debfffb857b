package com.proxylity.packetsource.functions.egressclient;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressJson;
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

/**
 * The egress API over HTTP/1.1: the body signed with HMAC-SHA256 (core {@link EgressSigner}), a
 * fresh nonce per attempt. A request with batch identity carries its deadline (the signing time
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
 * (BENCHMARKS.md, sender decisions). Its keep-alive cache is per JVM, so the connection
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

    private final EgressSigner signer;
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
        SignedHeaders h = signer.sign(body, now);
        HttpURLConnection c = null;
        int status;
        byte[] answer;
        String answerType;
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
            status = c.getResponseCode();
            answerType = c.getContentType();
            // Read every answer to its end, errors too: only a drained connection goes back to
            // the keep-alive cache.
            answer = readBounded(status >= 400 ? c.getErrorStream() : c.getInputStream());
        } catch (IOException e) {
            if (c != null) c.disconnect();
            throw new SenderUnavailableException("sender unreachable: " + e.getClass().getSimpleName(), e);
        }
        if (status == 200) {
            if (answer == null) {
                c.disconnect();
                throw new EgressRejectedException("sender answer exceeds " + EgressApi.MAX_BODY_BYTES + " bytes");
            }
            try {
                boolean binaryAnswer = answerType != null && EgressBinary.RESPONSE_TYPE.equalsIgnoreCase(answerType.trim());
                return binaryAnswer ? EgressBinary.readResponse(answer, request) : EgressJson.readResponse(answer);
            } catch (IOException e) {
                throw new EgressRejectedException("sender answer is not an egress response");
            }
        }
        if (status == 401 || status == 408 || status == 429 || status >= 500) {
            throw new SenderUnavailableException("sender answered " + status, null);
        }
        throw new EgressRejectedException("sender refused the request with " + status);
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
