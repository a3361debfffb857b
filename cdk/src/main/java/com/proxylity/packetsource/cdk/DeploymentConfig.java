package com.proxylity.packetsource.cdk;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.io.IOException;

/**
 * Everything the app reads from CDK context ({@code cdk.json} or {@code -c key=value}); nothing
 * is looked up in an account, so {@code cdk synth} runs offline without credentials.
 *
 * @param regions one stack per region; also the regions a Packet Source may egress in
 * @param homeRegion the region whose stack owns the global registry tables (PacketSources,
 *        Customers) with a replica in every other region; default the first region
 * @param account the account every stack deploys to (explicit: no environment-agnostic stacks)
 * @param pipeBatchSize Pipe BatchSize (1-10); Validate's state budget uses the same number
 * @param pipeBatchingWindowSeconds Pipe MaximumBatchingWindowInSeconds (0-300)
 * @param alarmEmail optional e-mail subscribed to the alarm topic (null: none)
 * @param senderImageTag tag of the sender image in the ECR repository {@code packet-source-sender}; required,
 *        and never {@code latest}
 * @param senderArchitecture the sender task's CPU architecture, {@code arm64} (default: Graviton,
 *        cheaper per vCPU-hour; prices in docs/cost.md) or {@code amd64}; the Jib image is built for both
 * @param senderTasks desired Fargate tasks per region
 * @param validateConcurrency reserved concurrency of Validate (bounds the per-environment rate limit); 0 (the
 *        default): none, because an account whose concurrency quota is still 10 cannot reserve any
 * @param discardAlarmThreshold discards of one reason per 5 minutes that raise its alarm
 *        (default {@link #DEFAULT_DISCARD_ALARM_THRESHOLD})
 * @param customers onboarded customers: whose topics the delivery queues admit, who may invoke
 *        the resource provider (none: the queues admit no topic and nobody may invoke it)
 * @param functionsZip the functions module's Lambda zip
 * @param stateMachineFile statemachines/packet-source.asl.json
 */
public record DeploymentConfig(List<String> regions, String homeRegion, String account, int pipeBatchSize,
                               int pipeBatchingWindowSeconds, String alarmEmail, String senderImageTag, String senderArchitecture, int senderTasks,
                               int validateConcurrency, int discardAlarmThreshold, List<CustomerSpec> customers,
                               List<ListenerSpec> listeners, Path functionsZip, Path stateMachineFile) {
    /**
     * Discards of one reason per 5 minutes that raise its alarm when cdk.json does not say:
     * the one copy of this default (OneSetOfNumbersTest holds cdk.json to it; the runbook points here).
     */
    public static final int DEFAULT_DISCARD_ALARM_THRESHOLD = 100;

    /** Offline default: a documentation account id; deploy with {@code -c account=<yours>}. */
    public static final String PLACEHOLDER_ACCOUNT = "123456789012";
    private static final ObjectMapper JSON = new ObjectMapper();

    public DeploymentConfig {
        regions = List.copyOf(regions);
        customers = List.copyOf(customers);
        listeners = List.copyOf(listeners);
        if (regions.isEmpty()) throw new IllegalArgumentException("regions: at least one");
        for (String r : regions) {
            if (!r.matches("[a-z]{2}(-gov)?-[a-z]+-\\d")) throw new IllegalArgumentException("not a region: " + r);
        }
        if (regions.stream().distinct().count() != regions.size()) throw new IllegalArgumentException("regions: each once");
        if (homeRegion == null) homeRegion = regions.get(0);
        if (!regions.contains(homeRegion)) {
            throw new IllegalArgumentException("homeRegion " + homeRegion + " must be one of the regions " + regions);
        }
        // A mutable tag would let a rollback or a new task pull an image nobody deployed.
        if (senderImageTag == null) {
            throw new IllegalArgumentException("senderImageTag is required: the tag you pushed the sender image with "
                    + "(e.g. -c senderImageTag=v1, README \"Deploy to AWS\" step 3)");
        }
        if (senderImageTag.equals("latest")) {
            throw new IllegalArgumentException("senderImageTag latest is mutable: push and deploy an explicit tag");
        }
        if (!senderImageTag.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
            throw new IllegalArgumentException("senderImageTag is not a valid image tag: " + senderImageTag);
        }
        if (!List.of("arm64", "amd64").contains(senderArchitecture)) {
            throw new IllegalArgumentException("senderArchitecture must be arm64 or amd64 (the platforms of the Jib image)");
        }
        if (!account.matches("\\d{12}")) throw new IllegalArgumentException("account must be 12 digits");
        if (customers.stream().map(CustomerSpec::id).distinct().count() != customers.size()) {
            throw new IllegalArgumentException("customers: each id once");
        }
        // An account is one customer's (CustomerAdmin refuses the same): outcome topics and roles are bound to it.
        java.util.Map<String, String> accountOwner = new java.util.HashMap<>();
        for (CustomerSpec c : customers) {
            for (String a : c.accounts()) {
                String before = accountOwner.putIfAbsent(a, c.id());
                if (before != null && !before.equals(c.id())) {
                    throw new IllegalArgumentException("customers: account " + a + " is both " + before + "'s and " + c.id() + "'s");
                }
            }
        }
        for (ListenerSpec l : listeners) {
            if (l.owner() != null && customers.stream().noneMatch(c -> c.id().equals(l.owner()))) {
                throw new IllegalArgumentException("listener " + l.name() + ": owner " + l.owner() + " is not one of the customers");
            }
        }
        if (validateConcurrency < 0) throw new IllegalArgumentException("validateConcurrency must be 0 (none) or more");
        if (pipeBatchSize < 1 || pipeBatchSize > 10) throw new IllegalArgumentException("pipeBatchSize must be 1-10");
        if (pipeBatchingWindowSeconds < 0 || pipeBatchingWindowSeconds > 300) {
            throw new IllegalArgumentException("pipeBatchingWindowSeconds must be 0-300");
        }
        // Each task announces its own endpoint and LookupSessions routes every packet to the task
        // holding its flow or session (docs/architecture.md#owner-routing), so any count works;
        // one task is allowed but does not survive its own loss.
        if (senderTasks < 1 || senderTasks > 10) throw new IllegalArgumentException("senderTasks must be 1-10");
        if (listeners.isEmpty()) throw new IllegalArgumentException("listeners: at least one");
        if (listeners.stream().map(ListenerSpec::name).distinct().count() != listeners.size()
                || listeners.stream().map(ListenerSpec::port).distinct().count() != listeners.size()) {
            throw new IllegalArgumentException("listeners: names and ports must be unique");
        }
    }

    /** Reads the context through {@code get} (a construct node's tryGetContext); absent keys take the defaults. */
    public static DeploymentConfig fromContext(Function<String, Object> get, Path repoRoot) {
        if (get.apply("customerAccounts") != null) {
            // Silently ignoring it would fail closed without a word: every customer's delivery refused.
            throw new IllegalArgumentException("customerAccounts is replaced by customers: "
                    + "[{\"id\": \"<customer id>\", \"accounts\": [\"<12 digits>\"]}] (docs/deployment.md)");
        }
        return new DeploymentConfig(
                list(get.apply("regions"), List.of("us-east-1")),
                string(get.apply("homeRegion"), null),
                string(get.apply("account"), PLACEHOLDER_ACCOUNT),
                integer(get.apply("pipeBatchSize"), DeploymentNumbers.PIPE_BATCH_SIZE),
                integer(get.apply("pipeBatchingWindowSeconds"), DeploymentNumbers.PIPE_BATCHING_WINDOW_SECONDS),
                string(get.apply("alarmEmail"), null),
                string(get.apply("senderImageTag"), null),
                string(get.apply("senderArchitecture"), "arm64"),
                integer(get.apply("senderTasks"), 2),
                integer(get.apply("validateConcurrency"), 0),
                integer(get.apply("discardAlarmThreshold"), DEFAULT_DISCARD_ALARM_THRESHOLD),
                customers(get.apply("customers")),
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

    /** The regions other than the home region: where the global tables have their replicas. */
    public List<String> replicaRegions() {
        return regions.stream().filter(r -> !r.equals(homeRegion)).toList();
    }

    /** Every account of every customer, in configuration order, each once. */
    public List<String> customerAccounts() {
        return customers.stream().flatMap(c -> c.accounts().stream()).distinct().toList();
    }

    /** A JSON list from cdk.json, or the same JSON as a string from {@code -c customers='[...]'}. */
    private static List<CustomerSpec> customers(Object v) {
        if (v == null) return List.of();
        try {
            String json = v instanceof String s ? s : JSON.writeValueAsString(v);
            List<Map<String, Object>> raw = JSON.readValue(json, new TypeReference<>() {});
            return raw.stream().map(m -> {
                for (String k : m.keySet()) {
                    if (!List.of("id", "accounts", "cloudFormationRoles").contains(k)) {
                        throw new IllegalArgumentException("customers: unknown field " + k);
                    }
                }
                return new CustomerSpec((String) m.get("id"), strings(m.get("accounts")), strings(m.get("cloudFormationRoles")));
            }).toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("customers: not a JSON list of {id, accounts[, cloudFormationRoles]}", e);
        }
    }

    private static List<String> strings(Object v) {
        return v == null ? List.of() : list(v, List.of());
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
        } catch (IOException e) {
            throw new IllegalArgumentException("listeners: not a JSON list of listeners", e);
        }
    }
}
