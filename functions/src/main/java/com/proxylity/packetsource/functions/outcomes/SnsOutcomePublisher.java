package com.proxylity.packetsource.functions.outcomes;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
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
 *
 * <p>Bounded: a customer's slow or unreachable topic must not hold up the other sources of the
 * execution, nor a CloudFormation request. Every publish carries an attempt and a call timeout of
 * its own, whatever client it goes through, and the clients built here never retry ({@link #BOUNDED}).
 */
public final class SnsOutcomePublisher implements OutcomePublisher {
    /** One attempt. */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
    /** The whole call, retries of a client that has them included. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    /** For every SNS client that publishes outcomes: no retries, the timeouts above. */
    public static final ClientOverrideConfiguration BOUNDED = ClientOverrideConfiguration.builder()
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallAttemptTimeout(ATTEMPT_TIMEOUT).apiCallTimeout(CALL_TIMEOUT).build();
    private static final AwsRequestOverrideConfiguration PER_REQUEST = AwsRequestOverrideConfiguration.builder()
            .apiCallAttemptTimeout(ATTEMPT_TIMEOUT).apiCallTimeout(CALL_TIMEOUT).build();

    private final Function<String, SnsClient> clientForRegion;
    private final Map<String, SnsClient> clients = new ConcurrentHashMap<>();

    /** AWS: one client per topic region, default credentials. */
    public SnsOutcomePublisher() {
        this(region -> SnsClient.builder().region(Region.of(region))
                .overrideConfiguration(BOUNDED).httpClientBuilder(UrlConnectionHttpClient.builder()).build());
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
            sns.publish(b -> b.topicArn(topicArn).subject(subject).message(message).overrideConfiguration(PER_REQUEST));
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
