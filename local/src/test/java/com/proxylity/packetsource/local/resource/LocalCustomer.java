package com.proxylity.packetsource.local.resource;

import com.proxylity.packetsource.local.LocalMode;
import com.proxylity.packetsource.local.sqs.Sqs;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/** The SDK clients a customer's application and its operator use against the local stack. */
final class LocalCustomer {
    private LocalCustomer() {}

    /** Publishes as an application does (the local SNS does not check credentials for Publish). */
    static SnsClient publisher(LocalMode local) {
        return SnsClient.builder().endpointOverride(local.stack().snsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** SNS as the customer's role, assumed through the local STS with its ExternalId. */
    static SnsClient asRole(LocalMode local, String roleArn, String externalId) {
        try (StsClient sts = StsClient.builder().endpointOverride(local.stack().stsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
            Credentials c = sts.assumeRole(b -> b.roleArn(roleArn).externalId(externalId).roleSessionName("customer")).credentials();
            return SnsClient.builder().endpointOverride(local.stack().snsEndpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken())))
                    .httpClient(UrlConnectionHttpClient.create()).build();
        }
    }
}
