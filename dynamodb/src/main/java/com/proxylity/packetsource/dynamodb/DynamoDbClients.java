package com.proxylity.packetsource.dynamodb;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB clients on the small URLConnection HTTP client (no Apache/Netty on the classpath, for
 * Lambda cold starts).
 */
public final class DynamoDbClients {
    private DynamoDbClients() {}

    /** The AWS client: region and credentials from the environment (Lambda, ECS task role). */
    public static DynamoDbClient fromEnvironment() {
        return DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /** The AWS client of another region (a global table's replica there), credentials from the environment. */
    public static DynamoDbClient inRegion(String region) {
        return DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).region(Region.of(region)).build();
    }

    /**
     * A client for a local DynamoDB-API server (dynalite in tests and local mode): dummy
     * credentials, since the local server does not check them.
     */
    public static DynamoDbClient local(URI endpoint) {
        return DynamoDbClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }
}
