package com.proxylity.packetsource.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.dynamodb.DynamoDbSessionDirectory;
import com.proxylity.packetsource.dynamodb.Tables;
import com.proxylity.packetsource.dynamodb.testing.Dynalite;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.functions.model.Batches;
import com.proxylity.packetsource.functions.model.PacketsState;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;

/**
 * LookupSessions against the real DynamoDB API (dynalite): 250 peers are read in chunks of at
 * most 100 keys, expired and absent sessions become SessionExpired / NoSession, and a peer with a
 * session on another Listener never matches.
 */
class LookupSessionsDynaliteTest {
    static final Instant T0 = Instant.parse("2026-11-25T08:00:00Z");

    static String peer(int i) {
        byte[] k = new byte[32];
        ByteBuffer.wrap(k).putInt(i);
        return Base64.getEncoder().encodeToString(k);
    }

    static ReadyPacket packet(String id, String listener, String peer) {
        return new ReadyPacket(id, listener, ListenerType.WG, "203.0.113.5", 51820, peer, new byte[] {0x45});
    }

    @Test
    void readsInChunksOfAHundredAndNeverCrossesListeners() {
        try (Dynalite dynalite = Dynalite.start()) {
            Tables tables = dynalite.createTables();
            // Counted where the rule lives: each BatchGetItem the session directory sends.
            List<Integer> chunkSizes = new CopyOnWriteArrayList<>();
            ExecutionInterceptor counting = new ExecutionInterceptor() {
                @Override
                public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes a) {
                    if (c.request() instanceof BatchGetItemRequest b) {
                        chunkSizes.add(b.requestItems().values().stream().mapToInt(k -> k.keys().size()).sum());
                    }
                }
            };
            DynamoDbClient client = DynamoDbClient.builder()
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .endpointOverride(dynalite.endpoint())
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .overrideConfiguration(o -> o.addExecutionInterceptor(counting))
                    .build();
            DynamoDbSessionDirectory store = new DynamoDbSessionDirectory(client, tables.sessions());
            for (int i = 0; i < 250; i++) {
                store.put(new SessionRecord("wg1", peer(i), "198.51.100.7:51820", "s1", T0, T0.plusSeconds(180)));
            }
            store.put(new SessionRecord("wg1", peer(900), "198.51.100.7:51820", "s1", T0.minusSeconds(400), T0.minusSeconds(1)));
            store.put(new SessionRecord("wg2", peer(901), "198.51.100.8:51820", "s2", T0, T0.plusSeconds(180)));

            List<ReadyPacket> packets = new ArrayList<>();
            for (int i = 0; i < 250; i++) packets.add(packet("m/" + i, "wg1", peer(i)));
            packets.add(packet("m/250", "wg1", peer(900)));
            packets.add(packet("m/251", "wg1", peer(901)));
            packets.add(packet("m/252", "wg1", peer(902)));

            InMemoryRegistry registry = new InMemoryRegistry().put(new Listener("wg1", ListenerType.WG, 51820,
                    List.of("198.51.100.7"), peer(999), "http://127.0.0.1:1"));
            LookupSessions handler = new LookupSessions(store, registry, Clock.fixed(T0.plusSeconds(10), ZoneOffset.UTC),
                    Environment.pipelineMetrics());
            Batches out = handler.handle(new PacketsState(packets, List.of(), Map.of()));

            assertEquals(250, out.batches().stream().mapToInt(b -> b.packets().size()).sum());
            assertTrue(out.batches().stream().allMatch(b -> b.packets().size() <= 100
                    && b.endpoint().equals("http://127.0.0.1:1")), "egress batches of at most 100, to wg1's sender"); 
            assertEquals(Map.of("m/250", DiscardReason.SessionExpired, "m/251", DiscardReason.NoSession,
                            "m/252", DiscardReason.NoSession),
                    out.discards().stream().collect(Collectors.toMap(Discard::id, Discard::reason)));
            assertTrue(chunkSizes.stream().allMatch(n -> n <= 100), chunkSizes::toString);
            assertEquals(253, chunkSizes.stream().mapToInt(Integer::intValue).sum());
            assertEquals(3, chunkSizes.size());
        }
    }
}
