package com.proxylity.packetsource.sender.registry;

import com.proxylity.packetsource.core.wireguard.PeerKey;
import com.proxylity.packetsource.dynamodb.Tables;
import com.proxylity.packetsource.sender.Sender;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Allowed peers change without replacing the sender: every interval it reads each WireGuard
 * Listener's {@link Tables.Listeners#ALLOWED_PEERS} from the registry and applies a changed set
 * to the running engine (removed peers lose their sessions). An absent attribute leaves the
 * configuration's list in force; a failed read keeps the last set (a registry outage must not
 * lock peers out); a malformed key is skipped and logged, never applied.
 */
public final class AllowedPeersReloader {
    private static final JsonLog LOG = JsonLog.of(AllowedPeersReloader.class);
    public static final int MAX_PEERS = 10_000;

    /** Where the allowed peers of a Listener are read; empty when not set there. */
    public interface Source {
        Optional<Set<String>> allowedPeers(String listener);
    }

    private final Sender sender;
    private final Source source;
    private final Map<String, Set<String>> applied = new HashMap<>();

    public AllowedPeersReloader(Sender sender, Source source) {
        this.sender = sender;
        this.source = source;
    }

    /** One pass over the WireGuard Listeners; returns how many peers were added or removed. */
    public synchronized int reloadOnce() {
        int changed = 0;
        for (String listener : sender.wireGuardListeners()) {
            Optional<Set<String>> peers;
            try {
                peers = source.allowedPeers(listener);
            } catch (RuntimeException e) {
                LOG.warn("allowed-peers-read-failed", "listener", listener, "error", e.getClass().getName());
                continue;
            }
            if (peers.isEmpty() || peers.get().equals(applied.get(listener))) continue;
            int n = sender.setAllowedPeers(listener, peers.get());
            applied.put(listener, peers.get());
            if (n > 0) LOG.info("allowed-peers-changed", "listener", listener, "peers", peers.get().size(), "changed", n);
            changed += n;
        }
        return changed;
    }

    /** The registry as the source: GetItem on the Listeners table (strongly consistent, one item per Listener). */
    public static Source registry(DynamoDbClient client, String listenersTable) {
        return listener -> {
            Map<String, AttributeValue> item = client.getItem(b -> b.tableName(listenersTable).consistentRead(true)
                    .key(Map.of(Tables.Listeners.NAME, AttributeValue.fromS(listener)))
                    .projectionExpression("#p").expressionAttributeNames(Map.of("#p", Tables.Listeners.ALLOWED_PEERS))).item();
            AttributeValue v = item == null ? null : item.get(Tables.Listeners.ALLOWED_PEERS);
            if (v == null) return Optional.empty();
            List<String> raw = v.hasL() ? v.l().stream().map(AttributeValue::s).toList() : v.hasSs() ? v.ss() : List.of();
            Set<String> keys = new LinkedHashSet<>();
            for (String k : raw) {
                if (keys.size() >= MAX_PEERS) break;
                try {
                    keys.add(PeerKey.fromBase64(k).toBase64());
                } catch (RuntimeException e) {
                    LOG.warn("allowed-peer-malformed", "listener", listener);
                }
            }
            return Optional.of(keys);
        };
    }
}
