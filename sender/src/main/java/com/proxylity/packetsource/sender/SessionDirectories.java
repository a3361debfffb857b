package com.proxylity.packetsource.sender;

import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.session.InMemoryTaskDirectory;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.session.TaskDirectory;
import com.proxylity.packetsource.dynamodb.DynamoDbTaskDirectory;
import com.proxylity.packetsource.dynamodb.DynamoDbSessionDirectory;
import com.proxylity.packetsource.sender.config.SessionStoreConfig;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Picks the session directory named by configuration. */
final class SessionDirectories {
    private SessionDirectories() {}

    static SessionDirectory create(SessionStoreConfig c) {
        return switch (c.type()) {
            case "memory" -> new InMemorySessionDirectory();
            case "dynamodb" -> {
                if (c.table() == null) throw new IllegalArgumentException("sessionDirectory.table is required for dynamodb");
                // Region and credentials from the task environment (AWS_REGION, task role);
                // AWS_ENDPOINT_URL_DYNAMODB points it at dynalite in local runs.
                DynamoDbClient client = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
                yield new DynamoDbSessionDirectory(client, c.table());
            }
            default -> throw new IllegalArgumentException("sessionDirectory.type must be memory or dynamodb");
        };
    }

    /** The task heartbeats, beside the sessions (the same table on DynamoDB). */
    static TaskDirectory tasks(SessionStoreConfig c) {
        return switch (c.type()) {
            case "memory" -> new InMemoryTaskDirectory();
            case "dynamodb" -> new DynamoDbTaskDirectory(
                    DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build(), c.table());
            default -> throw new IllegalArgumentException("sessionDirectory.type must be memory or dynamodb");
        };
    }
}
