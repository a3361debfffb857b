package com.proxylity.packetsource.functions.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * ConfirmSubscription through the SNS API (not by fetching the SubscribeURL from the message, so
 * the function never makes a request to a URL taken from input). The call goes to the topic's
 * own region, read from its ARN ({@code arn:aws:sns:<region>:<account>:<name>}).
 */
public final class SnsSubscriptionConfirmer implements SubscriptionConfirmer {
    private final Function<String, SnsClient> clientForRegion;
    private final Map<String, SnsClient> clients = new ConcurrentHashMap<>();

    /** AWS: one client per topic region, default credentials, the URLConnection HTTP client. */
    public SnsSubscriptionConfirmer() {
        this(region -> SnsClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build());
    }

    /** @param clientForRegion builds the client for a region (tests and local mode point it elsewhere) */
    public SnsSubscriptionConfirmer(Function<String, SnsClient> clientForRegion) {
        this.clientForRegion = clientForRegion;
    }

    @Override
    public void confirm(String topicArn, String token) {
        String[] parts = topicArn.split(":", 6);
        if (parts.length != 6 || !"sns".equals(parts[2]) || parts[3].isEmpty()) {
            throw new IllegalArgumentException("not an SNS topic ARN");
        }
        SnsClient sns = clients.computeIfAbsent(parts[3], clientForRegion);
        sns.confirmSubscription(b -> b.topicArn(topicArn).token(token).authenticateOnUnsubscribe("true"));
    }
}
