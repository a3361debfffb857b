package com.proxylity.packetsource.functions.resource;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.SnsClientBuilder;
import software.amazon.awssdk.services.sns.model.AuthorizationErrorException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.ListSubscriptionsByTopicResponse;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;
import java.util.HashMap;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * {@link CustomerAccounts} over the SDK: STS in this function's region with our own credentials,
 * SNS in the topic's region with the assumed role's. Endpoint overrides point both at local mode.
 */
public final class AwsCustomerAccounts implements CustomerAccounts {
    /** Long enough for a few subscriptions; AssumeRole's minimum. */
    static final int SESSION_SECONDS = 900;
    private final StsClient sts;
    private final URI snsEndpoint;

    /**
     * @param region the region of this function (STS regional endpoint)
     * @param ownCredentials the provider function's credentials (null: the default chain)
     * @param stsEndpoint, snsEndpoint overrides for local mode; null in AWS
     */
    public AwsCustomerAccounts(String region, AwsCredentialsProvider ownCredentials, URI stsEndpoint, URI snsEndpoint) {
        StsClientBuilder b = StsClient.builder().region(Region.of(region)).httpClientBuilder(UrlConnectionHttpClient.builder());
        if (ownCredentials != null) b.credentialsProvider(ownCredentials);
        if (stsEndpoint != null) b.endpointOverride(stsEndpoint);
        this.sts = b.build();
        this.snsEndpoint = snsEndpoint;
    }

    @Override
    public TopicSession assume(String roleArn, String externalId) {
        Credentials c;
        try {
            c = sts.assumeRole(r -> r.roleArn(roleArn).externalId(externalId).durationSeconds(SESSION_SECONDS)
                    .roleSessionName("proxylity-packet-source-" + UUID.randomUUID().toString().substring(0, 8))).credentials();
        } catch (StsException e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            CustomerCallException.Kind kind = "AccessDenied".equals(code) || e.statusCode() == 403
                    ? CustomerCallException.Kind.ACCESS_DENIED : CustomerCallException.Kind.OTHER;
            throw new CustomerCallException(kind, "sts:AssumeRole", message(e), e);
        }
        AwsSessionCredentials session = AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
        return new Session(StaticCredentialsProvider.create(session));
    }

    private final class Session implements TopicSession {
        private final StaticCredentialsProvider credentials;
        private final Map<String, SnsClient> clients = new HashMap<>();

        Session(StaticCredentialsProvider credentials) {
            this.credentials = credentials;
        }

        private SnsClient sns(String topicArn) {
            String region = topicArn.split(":")[3];
            return clients.computeIfAbsent(region, r -> {
                SnsClientBuilder b = SnsClient.builder().region(Region.of(r)).credentialsProvider(credentials)
                        .httpClientBuilder(UrlConnectionHttpClient.builder());
                if (snsEndpoint != null) b.endpointOverride(snsEndpoint);
                return b.build();
            });
        }

        @Override
        public String subscribe(String topicArn, String queueArn, String filterPolicy) {
            try {
                return sns(topicArn).subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn)
                        .returnSubscriptionArn(true)
                        .attributes(Map.of("FilterPolicy", filterPolicy, "FilterPolicyScope", "MessageAttributes",
                                "RawMessageDelivery", "false"))).subscriptionArn();
            } catch (SnsException e) {
                throw mapped(e, "sns:Subscribe");
            }
        }

        @Override
        public void unsubscribe(String subscriptionArn) {
            try {
                sns(subscriptionArn).unsubscribe(r -> r.subscriptionArn(subscriptionArn));
            } catch (NotFoundException gone) {
                // Already gone is what we wanted.
            } catch (SnsException e) {
                throw mapped(e, "sns:Unsubscribe");
            }
        }

        @Override
        public List<Subscription> subscriptions(String topicArn) {
            List<Subscription> out = new ArrayList<>();
            String token = null;
            try {
                do {
                    String t = token;
                    ListSubscriptionsByTopicResponse page = sns(topicArn).listSubscriptionsByTopic(r -> r.topicArn(topicArn).nextToken(t));
                    page.subscriptions().forEach(s -> out.add(new Subscription(s.subscriptionArn(), s.protocol(), s.endpoint())));
                    token = page.nextToken();
                } while (token != null && !token.isEmpty() && out.size() < 100_000);
            } catch (SnsException e) {
                throw mapped(e, "sns:ListSubscriptionsByTopic");
            }
            return out;
        }

        @Override
        public void close() {
            clients.values().forEach(SnsClient::close);
        }
    }

    private static CustomerCallException mapped(SnsException e, String action) {
        CustomerCallException.Kind kind = e instanceof AuthorizationErrorException || e.statusCode() == 403
                ? CustomerCallException.Kind.ACCESS_DENIED
                : e instanceof NotFoundException ? CustomerCallException.Kind.NOT_FOUND
                : e instanceof InvalidParameterException ? CustomerCallException.Kind.INVALID_PARAMETER
                : CustomerCallException.Kind.OTHER;
        return new CustomerCallException(kind, action, message(e), e);
    }

    private static String message(AwsServiceException e) {
        return e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
    }
}
