package com.proxylity.packetsource.functions.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * ConfirmSubscription through the SNS API (not by fetching the SubscribeURL from the message, so
 * the function never makes a request to a URL taken from input). The call goes to the topic's
 * own region, read from its ARN ({@code arn:aws:sns:<region>:<account>:<name>}).
 */
public final class SnsSubscriptionConfirmer implements SubscriptionConfirmer {
    private final Map<String, SnsClient> clients = new ConcurrentHashMap<>();

    @Override
    public void confirm(String topicArn, String token) {
        String[] parts = topicArn.split(":", 6);
        if (parts.length != 6 || !"sns".equals(parts[2]) || parts[3].isEmpty()) {
            throw new IllegalArgumentException("not an SNS topic ARN");
        }
        SnsClient sns = clients.computeIfAbsent(parts[3], r -> SnsClient.builder()
                .region(Region.of(r))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build());
        sns.confirmSubscription(b -> b.topicArn(topicArn).token(token).authenticateOnUnsubscribe("true"));
    }
}
