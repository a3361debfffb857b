package com.proxylity.packetsource.cdk;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything the app reads from CDK context ({@code cdk.json} or {@code -c key=value}); nothing
 * is looked up in an account, so {@code cdk synth} runs offline without credentials.
 *
 * @param regions one stack per region; also the regions a Packet Source may egress in
 * @param account the account every stack deploys to (explicit: no environment-agnostic stacks)
 * @param pipeBatchSize Pipe BatchSize (1-10); Validate's state budget uses the same number
 * @param pipeBatchingWindowSeconds Pipe MaximumBatchingWindowInSeconds (0-300)
 * @param alarmEmail optional e-mail subscribed to the alarm topic (null: none)
 * @param senderImageTag tag of the sender image in the ECR repository {@code packet-source-sender}
 * @param senderTasks desired Fargate tasks per region
 * @param validateConcurrency reserved concurrency of Validate (bounds the per-environment rate limit); 0: none
 * @param discardAlarmThreshold discards of one reason per 5 minutes that raise its alarm
 * @param customerAccounts accounts whose CloudFormation may invoke the Packet Source resource provider
 * @param functionsZip the functions module's Lambda zip
 * @param stateMachineFile statemachines/packet-source.asl.json
 */
public record DeploymentConfig(List<String> regions, String account, int pipeBatchSize, int pipeBatchingWindowSeconds,
                               String alarmEmail, String senderImageTag, int senderTasks, int validateConcurrency,
                               int discardAlarmThreshold, List<String> customerAccounts, List<ListenerSpec> listeners,
                               Path functionsZip, Path stateMachineFile) {
    /** Offline default: a documentation account id; deploy with {@code -c account=<yours>}. */
    public static final String PLACEHOLDER_ACCOUNT = "123456789012";
    private static final ObjectMapper JSON = new ObjectMapper();

    public DeploymentConfig {
        regions = List.copyOf(regions);
        customerAccounts = List.copyOf(customerAccounts);
        listeners = List.copyOf(listeners);
        if (regions.isEmpty()) throw new IllegalArgumentException("regions: at least one");
        for (String r : regions) {
            if (!r.matches("[a-z]{2}(-gov)?-[a-z]+-\\d")) throw new IllegalArgumentException("not a region: " + r);
        }
        if (!account.matches("\\d{12}")) throw new IllegalArgumentException("account must be 12 digits");
        for (String a : customerAccounts) {
            if (!a.matches("\\d{12}")) throw new IllegalArgumentException("customer account must be 12 digits: " + a);
        }
        if (pipeBatchSize < 1 || pipeBatchSize > 10) throw new IllegalArgumentException("pipeBatchSize must be 1-10");
        if (pipeBatchingWindowSeconds < 0 || pipeBatchingWindowSeconds > 300) {
            throw new IllegalArgumentException("pipeBatchingWindowSeconds must be 0-300");
        }
        // More than one task needs Egress to post to the task that owns a client's flow or session;
        // until the batching (in LookupSessions) groups by owner and each task has its own endpoint
        // (docs/deployment.md, "More than one task"), a second task would receive packets it cannot
        // seal or send from the flow.
        if (senderTasks != 1) throw new IllegalArgumentException("senderTasks must be 1 (more tasks need owner routing: docs/deployment.md)");
        if (listeners.isEmpty()) throw new IllegalArgumentException("listeners: at least one");
        if (listeners.stream().map(ListenerSpec::name).distinct().count() != listeners.size()
                || listeners.stream().map(ListenerSpec::port).distinct().count() != listeners.size()) {
            throw new IllegalArgumentException("listeners: names and ports must be unique");
        }
    }

    /** Reads the context through {@code get} (a construct node's tryGetContext); absent keys take the defaults. */
    public static DeploymentConfig fromContext(Function<String, Object> get, Path repoRoot) {
        return new DeploymentConfig(
                list(get.apply("regions"), List.of("us-east-1")),
                string(get.apply("account"), PLACEHOLDER_ACCOUNT),
                integer(get.apply("pipeBatchSize"), DeploymentNumbers.PIPE_BATCH_SIZE),
                integer(get.apply("pipeBatchingWindowSeconds"), DeploymentNumbers.PIPE_BATCHING_WINDOW_SECONDS),
                string(get.apply("alarmEmail"), null),
                string(get.apply("senderImageTag"), "latest"),
                integer(get.apply("senderTasks"), 1),
                integer(get.apply("validateConcurrency"), 4),
                integer(get.apply("discardAlarmThreshold"), 100),
                list(get.apply("customerAccounts"), List.of()),
                listeners(get.apply("listeners")),
                repoRoot.resolve(string(get.apply("functionsZip"), "cdk/target/lambda/packet-source-functions.zip")),
                repoRoot.resolve("statemachines/packet-source.asl.json"));
    }

    private static String string(Object v, String fallback) {
        return v == null || v.toString().isBlank() ? fallback : v.toString().trim();
    }

    private static int integer(Object v, int fallback) {
        return v == null ? fallback : v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
    }

    /** A JSON list from cdk.json, or "a,b" from {@code -c}. */
    private static List<String> list(Object v, List<String> fallback) {
        if (v == null) return fallback;
        if (v instanceof List<?> l) return l.stream().map(Object::toString).toList();
        String s = v.toString().trim();
        if (s.isEmpty()) return List.of();
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    private static List<ListenerSpec> listeners(Object v) {
        if (v == null) {
            return List.of(new ListenerSpec("udp", "udp", false, 5683, List.of()),
                    new ListenerSpec("wg", "wg", true, 51820, List.of()));
        }
        try {
            String json = v instanceof String s ? s : JSON.writeValueAsString(v);
            List<Map<String, Object>> raw = JSON.readValue(json, new TypeReference<>() {});
            return raw.stream().map(m -> {
                Object peers = m.get("allowedPeers");
                return new ListenerSpec((String) m.get("name"), string(m.get("protocol"), "udp"),
                        Boolean.parseBoolean(String.valueOf(m.getOrDefault("decapsulated", "false"))),
                        integer(m.get("port"), 0), peers == null ? List.of() : list(peers, List.of()),
                        (String) m.get("owner"));
            }).toList();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("listeners: not a JSON list of listeners", e);
        }
    }
}
