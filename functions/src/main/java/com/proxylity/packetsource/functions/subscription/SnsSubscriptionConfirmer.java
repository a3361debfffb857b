package com.proxylity.packetsource.functions.subscription;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.SnsException;

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
        try {
            sns.confirmSubscription(b -> b.topicArn(topicArn).token(token).authenticateOnUnsubscribe("true"));
        } catch (SnsException e) {
            // A 4xx other than throttling (expired token, e.g. a confirmation replayed from the DLQ
            // days later; no permission) is final: retrying would fail the whole Pipe batch again
            // and again until its other messages land in the DLQ. 5xx and throttling stay retryable.
            int status = e.statusCode();
            if (status >= 400 && status < 500 && status != 429 && !e.isThrottlingException()) {
                String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
                throw new RejectedException(code == null ? Integer.toString(status) : code);
            }
            throw e;
        }
    }
}
