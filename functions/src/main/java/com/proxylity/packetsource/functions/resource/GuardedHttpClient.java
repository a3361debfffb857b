package com.proxylity.packetsource.functions.resource;

import java.net.URI;
import java.util.Objects;
import java.util.function.Predicate;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import java.io.IOException;
import software.amazon.awssdk.http.HttpExecuteResponse;

/**
 * The provider's only way out to the ResponseURL: a request to any URL its policy does not allow
 * fails before a connection is opened. The handler checks the same policy before it does any
 * work; this second check is what holds if a code path ever forgets the first.
 */
public final class GuardedHttpClient implements SdkHttpClient {
    private final SdkHttpClient delegate;
    private final Predicate<URI> allowed;

    public GuardedHttpClient(SdkHttpClient delegate, Predicate<URI> allowed) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.allowed = Objects.requireNonNull(allowed, "allowed");
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        URI uri = request.httpRequest().getUri();
        if (allowed.test(uri)) return delegate.prepareRequest(request);
        // Fails as a send failure would (IOException from call), never opening a connection.
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                throw new IOException("ResponseURL refused: not a CloudFormation response URL");
            }

            @Override
            public void abort() {}
        };
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
