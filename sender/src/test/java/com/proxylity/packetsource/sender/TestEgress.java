package com.proxylity.packetsource.sender;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressSigner;
import com.proxylity.packetsource.core.egressapi.SignedHeaders;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A signing client for tests, the way the egress Lambda calls the sender. */
public final class TestEgress {
    public static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    public final EgressSigner signer;
    final URI uri;

    public TestEgress(URI uri) {
        this(uri, KEY);
    }

    public TestEgress(URI uri, byte[] key) {
        this.uri = uri;
        this.signer = new EgressSigner(key);
    }

    public HttpResponse<byte[]> post(byte[] body, SignedHeaders h) throws Exception {
        return post(EgressApi.CONTENT_TYPE, body, h);
    }

    public HttpResponse<byte[]> post(String contentType, byte[] body, SignedHeaders h) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (h != null) {
            b.header(EgressApi.HEADER_TIMESTAMP, h.timestamp())
                    .header(EgressApi.HEADER_NONCE, h.nonce())
                    .header(EgressApi.HEADER_SIGNATURE, h.signature());
            if (h.keyId() != null) b.header(EgressApi.HEADER_KEY_ID, h.keyId());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<byte[]> post(byte[] body) throws Exception {
        return post(body, signer.sign(body, System.currentTimeMillis()));
    }

    /** A body in the binary batch framing, signed like any other. */
    public HttpResponse<byte[]> postBinary(byte[] body) throws Exception {
        return post(EgressBinary.REQUEST_TYPE, body, signer.sign(body, System.currentTimeMillis()));
    }

    public HttpResponse<byte[]> post(EgressRequest request) throws Exception {
        return post(EgressJson.writeRequest(request));
    }

    public static EgressRequest plain(String listener, String address, int port, List<byte[]> payloads) {
        List<EgressPacket> ps = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            ps.add(new EgressPacket("msg-1/" + i, address, port, null, payloads.get(i)));
        }
        return new EgressRequest(listener, ps);
    }

    /** The first line a raw-socket client reads from the server ("" when it closes without one). */
    public static String statusLine(java.io.InputStream in) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\r') b.append((char) c);
        return b.toString();
    }
}
