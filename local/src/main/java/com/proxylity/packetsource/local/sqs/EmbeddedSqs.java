package com.proxylity.packetsource.local.sqs;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * ElasticMQ in this JVM, bound to 127.0.0.1 only, speaking the real SQS API. Stopping it loses
 * its messages: local mode keeps no state across runs.
 */
public final class EmbeddedSqs implements AutoCloseable {
    private final SQSRestServer server;
    private final URI endpoint;

    private EmbeddedSqs(SQSRestServer server, int port) {
        this.server = server;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
    }

    /** @param port 0 picks a free port */
    public static EmbeddedSqs start(int port, String region) {
        var builder = SQSRestServerBuilder.withInterface("127.0.0.1").withAWSRegion(region);
        SQSRestServer server = (port == 0 ? builder.withDynamicPort() : builder.withPort(port)).start();
        int bound = server.waitUntilStarted().localAddress().getPort();
        return new EmbeddedSqs(server, bound);
    }

    public URI endpoint() { return endpoint; }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
