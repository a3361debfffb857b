package com.proxylity.packetsource.functions.outcomes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * A customer's outcome topic that never answers, as a real SNS client over HTTP meets it: the
 * publish gives up after one attempt instead of holding the execution for the SDK's retries.
 */
class SnsOutcomePublisherTest {
    HttpServer sns;
    final AtomicInteger requests = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        sns = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sns.setExecutor(Executors.newCachedThreadPool());
        sns.createContext("/", exchange -> {
            requests.incrementAndGet();
            try {
                release.await(); // never answers while the test runs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        sns.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        sns.stop(0);
    }

    @Test
    void aTopicThatNeverAnswersFailsTheOnePublishWithoutARetry() {
        URI endpoint = URI.create("http://127.0.0.1:" + sns.getAddress().getPort());
        SnsOutcomePublisher publisher = new SnsOutcomePublisher(region -> SnsClient.builder().region(Region.of(region))
                .endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(SnsOutcomePublisher.BOUNDED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build());

        for (int call = 1; call <= 2; call++) { // the second without the client's first-use setup
            long start = System.nanoTime();
            assertThrows(RuntimeException.class, () -> publisher.publish("arn:aws:sns:us-east-1:111122223333:slow",
                    "Packet Source outcomes", "{}"));
            System.out.printf("bounded client, call %d: gave up after %d ms, %d request(s) so far%n", call,
                    (System.nanoTime() - start) / 1_000_000, requests.get());
            assertEquals(call, requests.get(), "one attempt per publish, no retry");
        }
    }

    /** A client someone built without BOUNDED keeps the SDK's retries, but each publish still ends within its call timeout. */
    @Test
    void aClientWithoutTheBoundsStillGivesUpOnTheCallTimeout() {
        URI endpoint = URI.create("http://127.0.0.1:" + sns.getAddress().getPort());
        SnsOutcomePublisher publisher = new SnsOutcomePublisher(region -> SnsClient.builder().region(Region.of(region))
                .endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build());
        long start = System.nanoTime();
        assertThrows(RuntimeException.class, () -> publisher.publish("arn:aws:sns:us-east-1:111122223333:slow",
                "Packet Source outcomes", "{}"));
        System.out.printf("SDK-default client with the per-request timeouts: gave up after %d ms, %d request(s)%n",
                (System.nanoTime() - start) / 1_000_000, requests.get());
    }
}
