package com.proxylity.packetsource.local.sqs;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** SQS clients: to a local endpoint with dummy credentials, or to AWS with the default chain. */
public final class Sqs {
    private Sqs() {}

    /** Local servers accept any credentials; fixed dummy ones keep the SDK from looking for real ones. */
    public static StaticCredentialsProvider dummyCredentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }

    public static SqsClient client(URI endpoint, String region) {
        var b = SqsClient.builder().httpClient(UrlConnectionHttpClient.create());
        if (region != null) b.region(Region.of(region));
        if (endpoint != null) b.endpointOverride(endpoint).credentialsProvider(dummyCredentials());
        return b.build();
    }
}
