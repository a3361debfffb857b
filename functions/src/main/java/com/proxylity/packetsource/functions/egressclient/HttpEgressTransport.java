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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/**
 * The egress API over HTTP/1.1 with the JDK client: the body signed with HMAC-SHA256 (core
 * {@link EgressSigner}), a fresh nonce per attempt. Status mapping decides retries:
 * 200 is read; 401 (key rotation, clock skew), 429 and 5xx, and no answer at all are
 * {@link SenderUnavailableException} (retried); any other status is
 * {@link EgressRejectedException} (not retried: the same bytes would be refused again).
 *
 * <p>Batches go in the binary framing ({@link EgressBinary}); one whose fields do not fit its
 * bounds (an id over 255 bytes, a Remote.Address longer than any IP literal) goes as JSON, which
 * the sender still accepts, so every packet keeps the outcome the sender's own checks give it.
 * One client per execution environment (built once by {@code Environment}), so its pooled
 * HTTP/1.1 connections are reused across invocations: no TCP set-up per batch.
 */
public final class HttpEgressTransport implements EgressTransport {
    private final HttpClient client;
    private final EgressSigner signer;
    private final Clock clock;
    private final Duration timeout;

    public HttpEgressTransport(byte[] hmacKey, Clock clock, Duration timeout) {
        this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(3)).build(),
                new EgressSigner(hmacKey), clock, timeout);
    }

    public HttpEgressTransport(HttpClient client, EgressSigner signer, Clock clock, Duration timeout) {
        this.client = client;
        this.signer = signer;
        this.clock = clock;
        this.timeout = timeout;
    }

    @Override
    public EgressResponse post(String endpoint, EgressRequest request) {
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
        SignedHeaders h = signer.sign(body, clock.millis());
        HttpRequest req = HttpRequest.newBuilder(egressUri(endpoint))
                .timeout(timeout)
                .header("Content-Type", contentType)
                .header(EgressApi.HEADER_TIMESTAMP, h.timestamp())
                .header(EgressApi.HEADER_NONCE, h.nonce())
                .header(EgressApi.HEADER_SIGNATURE, h.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> resp;
        try {
            resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new SenderUnavailableException("sender unreachable: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SenderUnavailableException("interrupted while calling the sender", e);
        }
        int status = resp.statusCode();
        if (status == 200) {
            try {
                boolean binaryAnswer = EgressBinary.RESPONSE_TYPE.equalsIgnoreCase(
                        resp.headers().firstValue("Content-Type").orElse("").trim());
                return binaryAnswer ? EgressBinary.readResponse(resp.body(), request)
                        : EgressJson.readResponse(resp.body());
            } catch (IOException e) {
                throw new EgressRejectedException("sender answer is not an egress response");
            }
        }
        if (status == 401 || status == 429 || status >= 500) {
            throw new SenderUnavailableException("sender answered " + status, null);
        }
        throw new EgressRejectedException("sender refused the request with " + status);
    }

    /** A Listener's senderEndpoint is the sender's base URL; the full egress URL is accepted too. */
    static URI egressUri(String endpoint) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        return URI.create(base.endsWith(EgressApi.PATH) ? base : base + EgressApi.PATH);
    }
}
