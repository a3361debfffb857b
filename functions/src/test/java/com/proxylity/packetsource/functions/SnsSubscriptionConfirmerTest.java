package com.proxylity.packetsource.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.functions.subscription.SnsSubscriptionConfirmer;
import com.proxylity.packetsource.functions.subscription.SubscriptionConfirmer;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The confirmation as the real SDK v2 SnsClient sends it, received by a loopback stand-in for the
 * SNS Query API (no local SNS exists here): action, topic, token, AuthenticateOnUnsubscribe=true,
 * and a client in the topic's region.
 */
class SnsSubscriptionConfirmerTest {
    @Test
    void confirmsWithAuthenticateOnUnsubscribeInTheTopicsRegion() throws Exception {
        List<Map<String, String>> calls = new CopyOnWriteArrayList<>();
        List<String> regions = new CopyOnWriteArrayList<>();
        HttpServer sns = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sns.createContext("/", ex -> {
            Map<String, String> form = new HashMap<>();
            for (String kv : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                int eq = kv.indexOf('=');
                form.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
            calls.add(form);
            byte[] xml = ("<ConfirmSubscriptionResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                    + "<ConfirmSubscriptionResult><SubscriptionArn>" + form.get("TopicArn") + ":sub-1</SubscriptionArn>"
                    + "</ConfirmSubscriptionResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>"
                    + "</ConfirmSubscriptionResponse>").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/xml");
            ex.sendResponseHeaders(200, xml.length);
            ex.getResponseBody().write(xml);
            ex.close();
        });
        sns.start();
        try {
            SnsSubscriptionConfirmer confirmer = new SnsSubscriptionConfirmer(region -> {
                regions.add(region);
                return SnsClient.builder().region(Region.of(region))
                        .endpointOverride(URI.create("http://127.0.0.1:" + sns.getAddress().getPort()))
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                        .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
            });
            confirmer.confirm("arn:aws:sns:eu-central-1:111122223333:orders", "tok-1");
            confirmer.confirm("arn:aws:sns:eu-central-1:111122223333:other", "tok-2");

            assertEquals(List.of("eu-central-1"), regions, "one client per topic region");
            assertEquals(2, calls.size());
            Map<String, String> c = calls.get(0);
            assertEquals("ConfirmSubscription", c.get("Action"));
            assertEquals("arn:aws:sns:eu-central-1:111122223333:orders", c.get("TopicArn"));
            assertEquals("tok-1", c.get("Token"));
            assertEquals("true", c.get("AuthenticateOnUnsubscribe"));
            assertTrue(calls.get(1).get("Token").equals("tok-2"));
        } finally {
            sns.stop(0);
        }
    }

    @Test
    void aClientErrorFromSnsIsFinalAndNamesOnlyTheErrorCode() throws Exception {
        HttpServer sns = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sns.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] xml = ("<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>"
                    + "<Code>InvalidParameter</Code><Message>Invalid token tok-secret</Message></Error>"
                    + "<RequestId>r-2</RequestId></ErrorResponse>").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/xml");
            ex.sendResponseHeaders(400, xml.length);
            ex.getResponseBody().write(xml);
            ex.close();
        });
        sns.start();
        try {
            SnsSubscriptionConfirmer confirmer = new SnsSubscriptionConfirmer(region -> SnsClient.builder()
                    .region(Region.of(region))
                    .endpointOverride(URI.create("http://127.0.0.1:" + sns.getAddress().getPort()))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                    .httpClientBuilder(UrlConnectionHttpClient.builder()).build());
            SubscriptionConfirmer.RejectedException e = org.junit.jupiter.api.Assertions.assertThrows(
                    SubscriptionConfirmer.RejectedException.class,
                    () -> confirmer.confirm("arn:aws:sns:eu-central-1:111122223333:orders", "tok-secret"));
            assertTrue(e.getMessage().contains("InvalidParameter"), e.getMessage());
            assertTrue(!e.getMessage().contains("tok-secret"), "the token never reaches a message");
        } finally {
            sns.stop(0);
        }
    }
}
