package com.proxylity.packetsource.functions.outcomes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.AuthorizationErrorException;
import software.amazon.awssdk.services.sns.model.SnsException;

/**
 * SNS Publish in the topic's own region (read from its ARN), with the credentials the clients
 * are built with: in the PublishOutcomes function its execution role, which is the outcome
 * publisher role; in the provider that role assumed, so the verification publish is made by the
 * principal the customer's topic policy has to grant.
 */
public final class SnsOutcomePublisher implements OutcomePublisher {
    private final Function<String, SnsClient> clientForRegion;
    private final Map<String, SnsClient> clients = new ConcurrentHashMap<>();

    /** AWS: one client per topic region, default credentials. */
    public SnsOutcomePublisher() {
        this(region -> SnsClient.builder().region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build());
    }

    public SnsOutcomePublisher(Function<String, SnsClient> clientForRegion) {
        this.clientForRegion = clientForRegion;
    }

    @Override
    public void publish(String topicArn, String subject, String message) {
        String[] parts = topicArn.split(":", 6);
        if (parts.length != 6 || !"sns".equals(parts[2]) || parts[3].isEmpty()) {
            throw new IllegalArgumentException("not an SNS topic ARN");
        }
        SnsClient sns = clients.computeIfAbsent(parts[3], clientForRegion);
        try {
            sns.publish(b -> b.topicArn(topicArn).subject(subject).message(message));
        } catch (AuthorizationErrorException e) {
            throw new AccessDeniedException("AuthorizationError", e);
        } catch (SnsException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (e.statusCode() == 403 || "AccessDenied".equals(code) || "AuthorizationError".equals(code)) {
                throw new AccessDeniedException(code == null ? "403" : code, e);
            }
            throw e;
        }
    }
}
