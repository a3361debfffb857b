package com.proxylity.packetsource.sender;

import com.proxylity.packetsource.dynamodb.DynamoDbRegistryWriter;
import com.proxylity.packetsource.dynamodb.Tables;
import com.proxylity.packetsource.sender.config.ConfigLoader;
import com.proxylity.packetsource.sender.config.SenderConfig;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import com.proxylity.packetsource.sender.registry.AllowedPeersReloader;
import com.proxylity.packetsource.sender.registry.ListenerRegistration;
import com.proxylity.packetsource.sender.task.EcsTaskMetadata;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import java.io.IOException;

/**
 * Container entry point: configuration from the environment, runs until SIGTERM. The only place
 * the sender reads its environment (here and, through the map passed to it, {@link ConfigLoader}).
 */
public final class SenderMain {
    private static final JsonLog LOG = JsonLog.of(SenderMain.class);
    /**
     * {@code on}: one of several tasks per Listener (set by the stack): record plain UDP flow
     * owners and announce this task (heartbeat, its own endpoint) for owner routing.
     */
    public static final String ENV_FLOW_OWNERS = "PS_FLOW_OWNERS";
    /** The registry's Listeners table: when set, the sender registers its Listeners and reloads allowed peers. */
    public static final String ENV_LISTENERS_TABLE = "PS_REGISTRY_LISTENERS_TABLE";
    /**
     * Base URL of this sender's egress API as the Egress function reaches it. Unset on ECS: the
     * task's own private address from the task metadata ({@link EcsTaskMetadata}).
     */
    public static final String ENV_SENDER_ENDPOINT = "PS_SENDER_ENDPOINT";
    /** Comma-separated public addresses of the Listeners (the NLB's Elastic IPs). */
    public static final String ENV_PUBLIC_ADDRESSES = "PS_PUBLIC_ADDRESSES";
    static final long PEERS_RELOAD_SECONDS = 60;

    private SenderMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        SenderConfig config;
        try {
            config = ConfigLoader.load(env);
        } catch (IllegalArgumentException e) {
            LOG.error("configuration-invalid", e);
            System.exit(2);
            return;
        }
        boolean several = "on".equals(env.get(ENV_FLOW_OWNERS));
        String endpoint = endpoint(env, config);
        EcsTaskMetadata ecs = env.get(EcsTaskMetadata.ENV) == null ? null : new EcsTaskMetadata(env.get(EcsTaskMetadata.ENV));
        Sender.Builder builder = Sender.builder(config).sessionDirectory(SessionDirectories.create(config.sessionStore()))
                // More than one task per Listener: record who holds each plain UDP client's flow.
                .recordFlowOwners(several);
        if (several) {
            builder.taskDirectory(SessionDirectories.tasks(config.sessionStore())).advertisedEndpoint(endpoint)
                    .stopAnnounced(() -> ecs != null && ecs.stopping().orElse(false));
        }
        Sender sender = builder.start();
        String table = env.get(ENV_LISTENERS_TABLE);
        if (table != null && !table.isBlank()) registry(sender, config, table.trim(), endpoint, env);
        CountDownLatch stopped = new CountDownLatch(1);
        // ECS sends SIGTERM and waits stopTimeout (default 30 s) before SIGKILL: drain within it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sender.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }

    /** {@value #ENV_SENDER_ENDPOINT}, else on ECS this task's private address; null when neither. */
    private static String endpoint(Map<String, String> env, SenderConfig config) throws IOException {
        String v = env.get(ENV_SENDER_ENDPOINT);
        if (v != null && !v.isBlank()) return v.trim();
        String ecs = env.get(EcsTaskMetadata.ENV);
        if (ecs == null || ecs.isBlank()) return null;
        return "http://" + new EcsTaskMetadata(ecs).privateAddress() + ":" + config.egressPort();
    }

    /** Registers the Listeners (public keys, addresses, endpoint) and keeps their allowed peers current. */
    private static void registry(Sender sender, SenderConfig config, String table, String endpoint, Map<String, String> env) {
        if (endpoint == null) throw new IllegalStateException(ENV_SENDER_ENDPOINT + " is not set and this is not an ECS task");
        String addresses = env.get(ENV_PUBLIC_ADDRESSES);
        List<String> publicAddresses = addresses == null ? List.of()
                : Arrays.stream(addresses.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        DynamoDbClient client = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        // The writer touches only the Listeners table here.
        DynamoDbRegistryWriter writer = new DynamoDbRegistryWriter(client, new Tables("(unused)", table, "(unused)"));
        var listeners = ListenerRegistration.listeners(sender, config, endpoint.trim(), publicAddresses);
        ListenerRegistration.register(writer, listeners);
        for (var l : listeners) {
            LOG.info("listener-registered", "listener", l.name(), "type", l.type().wireName(), "port", l.port(),
                    "publicKey", l.publicKey() == null ? "-" : l.publicKey());
        }
        AllowedPeersReloader reloader = new AllowedPeersReloader(sender, AllowedPeersReloader.registry(client, table));
        reloader.reloadOnce();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "allowed-peers-reload");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                reloader.reloadOnce();
            } catch (RuntimeException e) {
                LOG.error("allowed-peers-reload-failed", e);
            }
        }, PEERS_RELOAD_SECONDS, PEERS_RELOAD_SECONDS, TimeUnit.SECONDS);
    }
}
