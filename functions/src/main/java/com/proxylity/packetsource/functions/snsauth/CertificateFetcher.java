package com.proxylity.packetsource.functions.snsauth;

import com.proxylity.packetsource.core.snsauth.BadSignatureException;
import com.proxylity.packetsource.core.snsauth.SigningCertificateUnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GETs a signing certificate: bounded in time (connect and whole exchange) and size, redirects
 * never followed (a redirect could leave SNS's host). What the server says about the URL is
 * content: anything but 200 is a {@link BadSignatureException}, except what says "try later"
 * (5xx, 408, 429), which is a {@link SigningCertificateUnavailableException} like a timeout or a refused connection.
 */
public final class CertificateFetcher {
    /** A PEM certificate, even with its chain, is a few KiB. */
    public static final int DEFAULT_MAX_BYTES = 16 * 1024;

    private final HttpClient client;
    private final Duration timeout;
    private final int maxBytes;

    public CertificateFetcher(Duration timeout, int maxBytes) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    public byte[] fetch(URI url) throws BadSignatureException {
        HttpRequest request = HttpRequest.newBuilder(url).GET().timeout(timeout).build();
        CompletableFuture<HttpResponse<byte[]>> call = client.sendAsync(request, info -> info.statusCode() == 200
                ? new LimitedBody(maxBytes)
                : HttpResponse.BodySubscribers.replacing(null));
        HttpResponse<byte[]> response;
        try {
            // The whole exchange, body included, within the timeout: a server that dribbles
            // bytes cannot hold the invocation.
            response = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new SigningCertificateUnavailableException("signing certificate fetch timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SigningCertificateUnavailableException("signing certificate fetch interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TooLarge) throw new BadSignatureException("signing certificate is too large");
            throw new SigningCertificateUnavailableException("signing certificate fetch failed: " + e.getCause().getClass().getSimpleName(),
                    e.getCause());
        }
        int status = response.statusCode();
        if (status == 200) return response.body();
        if (status >= 500 || status == 408 || status == 429) {
            throw new SigningCertificateUnavailableException("signing certificate URL answered " + status, null);
        }
        throw new BadSignatureException("signing certificate URL answered " + status);
    }

    private static final class TooLarge extends IOException {
        TooLarge() {
            super("body over the limit", null);
        }
    }

    /** Collects at most {@code max} bytes, and cancels the transfer beyond. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final int max;
        private Flow.Subscription subscription;

        LimitedBody(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                if (out.size() + b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
