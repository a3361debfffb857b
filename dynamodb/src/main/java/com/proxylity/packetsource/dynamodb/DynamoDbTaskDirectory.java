package com.proxylity.packetsource.dynamodb;

import com.proxylity.packetsource.core.session.SenderTask;
import com.proxylity.packetsource.core.session.TaskDirectory;
import com.proxylity.packetsource.dynamodb.Tables.Sessions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@link TaskDirectory} in the Sessions table: a task's heartbeat is an item of the Listener's
 * partition with sort key {@code task:<id>}, so one Query (the Listener's partition, keys
 * beginning {@code task:}) lists its tasks, and the table, its permissions and its TTL serve as
 * they are. Times are kept in milliseconds: liveness is decided in seconds, not minutes.
 */
public final class DynamoDbTaskDirectory implements TaskDirectory {
    private final DynamoDbClient client;
    private final String table;

    public DynamoDbTaskDirectory(DynamoDbClient client, String sessionsTable) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(sessionsTable, "sessionsTable");
    }

    @Override
    public void announce(SenderTask t) {
        Map<String, AttributeValue> item = new HashMap<>(SessionItems.key(t.listenerName(), KEY_PREFIX + t.id()));
        item.put(Sessions.ENDPOINT, Attr.s(t.endpoint()));
        item.put(Sessions.OWNER, Attr.s(t.id()));
        item.put(Sessions.ESTABLISHED_AT, Attr.n(t.heartbeatAt().toEpochMilli()));
        item.put(Sessions.EXPIRES_AT, Attr.n(t.expiresAt().toEpochMilli()));
        item.put(Sessions.TTL, Attr.n(t.expiresAt().getEpochSecond() + Sessions.TTL_GRACE_SECONDS));
        item.put(Sessions.DRAINING, Attr.bool(t.draining()));
        client.putItem(b -> b.tableName(table).item(item));
    }

    @Override
    public List<SenderTask> tasks(String listenerName) {
        List<SenderTask> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = client.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("#l = :l AND begins_with(#k, :p)")
                    .expressionAttributeNames(Map.of("#l", Sessions.LISTENER, "#k", Sessions.PEER_KEY))
                    .expressionAttributeValues(Map.of(":l", Attr.s(listenerName), ":p", Attr.s(KEY_PREFIX)))
                    .exclusiveStartKey(from).build());
            for (Map<String, AttributeValue> item : r.items()) out.add(fromItem(item));
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        out.sort(Comparator.comparing(SenderTask::id));
        return out;
    }

    private SenderTask fromItem(Map<String, AttributeValue> item) {
        String listener = Attr.reqS(item, Sessions.LISTENER, table);
        String where = table + "[" + listener + "]";
        return new SenderTask(listener, Attr.reqS(item, Sessions.OWNER, where), Attr.reqS(item, Sessions.ENDPOINT, where),
                Instant.ofEpochMilli(Attr.reqN(item, Sessions.ESTABLISHED_AT, where)),
                Instant.ofEpochMilli(Attr.reqN(item, Sessions.EXPIRES_AT, where)),
                Attr.optBool(item, Sessions.DRAINING, false));
    }
}
