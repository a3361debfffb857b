package com.proxylity.packetsource.local.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * What {@code packet-source local} runs: regions (one delivery queue each), Listeners and Packet
 * Sources. YAML or JSON (JSON is YAML); see {@code config/local.example.yaml} for every field.
 * Unknown fields are rejected so a typo never silently falls back to a default.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record LocalConfig(
        @JsonProperty("regions") List<String> regions,
        @JsonProperty("snsRegion") String snsRegion,
        @JsonProperty("ports") Ports ports,
        @JsonProperty("queues") Queues queues,
        @JsonProperty("listeners") List<ListenerConfig> listeners,
        @JsonProperty("packetSources") List<SourceConfig> packetSources,
        @JsonProperty("extraTopics") List<String> extraTopics,
        @JsonProperty("customerTopics") List<String> customerTopics,
        @JsonProperty("customers") List<CustomerConfig> customers,
        @JsonProperty("roles") List<RoleConfig> roles,
        @JsonProperty("senderTasks") Integer senderTasks,
        @JsonProperty("outcomeTopics") List<OutcomeTopicConfig> outcomeTopics) {

    /** The account id local ARNs carry (as LocalStack and ElasticMQ use). */
    public static final String ACCOUNT = "000000000000";

    public LocalConfig {
        regions = regions == null || regions.isEmpty() ? List.of("us-east-1") : List.copyOf(regions);
        snsRegion = snsRegion == null || snsRegion.isBlank() ? regions.get(0) : snsRegion;
        ports = ports == null ? new Ports(0, 0, 0, 0, 0, 0, 0) : ports;
        // Without a queues section local mode runs with the deployment's numbers (the AWS stack reads the same class).
        queues = queues == null ? new Queues(DeploymentNumbers.VISIBILITY_TIMEOUT_SECONDS,
                DeploymentNumbers.MAX_RECEIVE_COUNT, DeploymentNumbers.PIPE_BATCH_SIZE) : queues;
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
        packetSources = packetSources == null ? List.of() : List.copyOf(packetSources);
        extraTopics = extraTopics == null ? List.of() : List.copyOf(extraTopics);
        customerTopics = customerTopics == null ? List.of() : List.copyOf(customerTopics);
        customers = customers == null ? List.of() : List.copyOf(customers);
        roles = roles == null ? List.of() : List.copyOf(roles);
        senderTasks = senderTasks == null ? 1 : senderTasks;
        outcomeTopics = outcomeTopics == null ? List.of() : List.copyOf(outcomeTopics);
        if (senderTasks < 1 || senderTasks > MAX_SENDER_TASKS) {
            throw new IllegalArgumentException("senderTasks must be 1.." + MAX_SENDER_TASKS);
        }
    }

    /** Enough to lose one and still have several; each is a whole sender in this JVM. */
    public static final int MAX_SENDER_TASKS = 8;

    /** Without outcome topics. */
    public LocalConfig(List<String> regions, String snsRegion, Ports ports, Queues queues, List<ListenerConfig> listeners,
                       List<SourceConfig> packetSources, List<String> extraTopics, List<String> customerTopics,
                       List<CustomerConfig> customers, List<RoleConfig> roles, Integer senderTasks) {
        this(regions, snsRegion, ports, queues, listeners, packetSources, extraTopics, customerTopics, customers, roles,
                senderTasks, null);
    }

    /**
     * A customer's topic for outcome summaries (docs/packet-sources.md, "Your own outcomes"): the
     * local SNS keeps what is published to it and {@code local --verbose} prints it.
     *
     * @param grantsPublisher whether its policy lets the outcome publisher role publish (default
     *     true); false answers AuthorizationError, as a topic policy without the statement would
     */
    public record OutcomeTopicConfig(@JsonProperty("topic") String topic,
                                     @JsonProperty("grantsPublisher") Boolean grantsPublisher) {
        public OutcomeTopicConfig {
            if (topic == null || !topic.matches("[A-Za-z0-9_-]{1,256}")) {
                throw new IllegalArgumentException("outcome topic must be a topic name (A-Z a-z 0-9 _ -)");
            }
            grantsPublisher = grantsPublisher == null ? Boolean.TRUE : grantsPublisher;
        }
    }

    /** One sender task: today's single-sender local mode. */
    public LocalConfig(List<String> regions, String snsRegion, Ports ports, Queues queues, List<ListenerConfig> listeners,
                       List<SourceConfig> packetSources, List<String> extraTopics, List<String> customerTopics,
                       List<CustomerConfig> customers, List<RoleConfig> roles) {
        this(regions, snsRegion, ports, queues, listeners, packetSources, extraTopics, customerTopics, customers, roles, 1);
    }

    /**
     * Local bind ports; 0 picks a free one.
     *
     * @param sts the local STS endpoint (AssumeRole)
     * @param resource the Custom::ProxylityUdpGatewayPacketSource provider (Lambda Invoke API)
     * @param taskControl the sender task control (stop and start one task; with senderTasks &gt; 1)
     * @param customers the customers endpoint ({@code packet-source customer --local})
     */
    public record Ports(@JsonProperty("sqs") int sqs, @JsonProperty("sns") int sns,
                        @JsonProperty("egressApi") int egressApi, @JsonProperty("sts") int sts,
                        @JsonProperty("resource") int resource, @JsonProperty("taskControl") int taskControl,
                        @JsonProperty("customers") int customers) {
        public Ports(int sqs, int sns, int egressApi, int sts, int resource) {
            this(sqs, sns, egressApi, sts, resource, 0, 0);
        }
    }

    /**
     * A customer of the Packet Source resource. Only the ApiKey's hash is configured.
     *
     * @param apiKeySha256 lowercase hex SHA-256 of the ApiKey ({@code <id>.<secret>})
     * @param externalId what AssumeRole carries for this customer ({@code psx-...})
     * @param accounts the customer's AWS account ids: its Packet Sources may name topics and roles
     *     of these only (local topics are in {@value #ACCOUNT})
     */
    public record CustomerConfig(@JsonProperty("id") String id, @JsonProperty("apiKeySha256") String apiKeySha256,
                                 @JsonProperty("externalId") String externalId,
                                 @JsonProperty("accounts") List<String> accounts) {
        public CustomerConfig {
            if (id == null || apiKeySha256 == null || !apiKeySha256.matches("[0-9a-f]{64}") || externalId == null) {
                throw new IllegalArgumentException("customer needs id, apiKeySha256 (64 lowercase hex) and externalId");
            }
        }
    }

    /**
     * A customer's IAM role as the local STS and SNS enforce it.
     *
     * @param externalId the trust policy's sts:ExternalId condition; absent: none
     * @param actions allowed SNS actions (sns:Subscribe, sns:Unsubscribe, sns:ListSubscriptionsByTopic)
     * @param topics topic names the actions apply to ({@code *}: all)
     */
    public record RoleConfig(@JsonProperty("arn") String arn, @JsonProperty("externalId") String externalId,
                             @JsonProperty("actions") List<String> actions, @JsonProperty("topics") List<String> topics) {
        public RoleConfig {
            actions = actions == null ? List.of() : List.copyOf(actions);
            topics = topics == null ? List.of() : List.copyOf(topics);
            if (arn == null || !arn.matches("arn:aws:iam::\\d{12}:role/[\\w+=,.@/-]+")) {
                throw new IllegalArgumentException("role arn must be arn:aws:iam::<12 digits>:role/<name>");
            }
        }
    }

    /**
     * @param visibilityTimeoutSeconds how long a received, unfinished message stays hidden before redelivery
     * @param maxReceiveCount receives before SQS moves a message to the DLQ (the redrive policy)
     * @param batchSize records per pipeline run, 1–10 (as a Pipe's SQS batch)
     */
    public record Queues(@JsonProperty("visibilityTimeoutSeconds") int visibilityTimeoutSeconds,
                         @JsonProperty("maxReceiveCount") int maxReceiveCount,
                         @JsonProperty("batchSize") int batchSize) {
        public Queues {
            if (visibilityTimeoutSeconds < 0 || visibilityTimeoutSeconds > 43_200) {
                throw new IllegalArgumentException("queues.visibilityTimeoutSeconds must be 0..43200");
            }
            if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
                throw new IllegalArgumentException("queues.maxReceiveCount must be 1..1000");
            }
            if (batchSize < 1 || batchSize > 10) {
                throw new IllegalArgumentException("queues.batchSize must be 1..10");
            }
        }
    }

    /**
     * @param protocol {@code udp} or {@code wg} ({@link ListenerType#of}); absent: udp
     * @param decapsulated WireGuard DecapsulatedDelivery (payload wrapped in inner IP/UDP)
     * @param port UDP port on 127.0.0.1, 0 picks one
     * @param privateKey base64 X25519 private key, or absent to generate one at start
     * @param allowedPeers base64 public keys allowed to handshake; empty allows none (as in the sender)
     * @param owner the customer id the Listener is assigned to; absent: no customer's
     *     Packet Source may use it (docs/architecture.md#tenancy)
     */
    public record ListenerConfig(@JsonProperty("name") String name,
                                 @JsonProperty("protocol") String protocol,
                                 @JsonProperty("decapsulated") boolean decapsulated,
                                 @JsonProperty("port") int port,
                                 @JsonProperty("privateKey") String privateKey,
                                 @JsonProperty("allowedPeers") List<String> allowedPeers,
                                 @JsonProperty("owner") String owner) {
        public ListenerConfig {
            allowedPeers = allowedPeers == null ? List.of() : List.copyOf(allowedPeers);
            if (name == null || name.isBlank()) throw new IllegalArgumentException("listener without name");
            try {
                protocol = ListenerType.of(protocol, decapsulated).protocol();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("listener " + name + ": " + e.getMessage());
            }
            if (port < 0 || port > 65_535) throw new IllegalArgumentException("listener " + name + ": bad port");
        }

        /** The Listener's type, from its protocol and DecapsulatedDelivery. */
        public ListenerType type() {
            return ListenerType.of(protocol, decapsulated);
        }

        /** Never the private key: a record's own toString would print it wherever the config is logged. */
        @Override
        public String toString() {
            return "ListenerConfig[" + name + " " + type().wireName() + " port=" + port
                    + " privateKey=" + (privateKey == null ? "generated" : "(set)") + " allowedPeers=" + allowedPeers.size() + "]";
        }
    }

    /**
     * @param topic SNS topic name; its ARN is {@code arn:aws:sns:<snsRegion>:000000000000:<topic>}
     * @param maxAgeSeconds discard entries older than this as Stale; 0 disables
     * @param ratePerSecond packets per second for this source (RateLimited above); 0 disables
     * @param customer the customer that owns the source; it must be its Listener's owner (absent:
     *     an operator's source, on a Listener assigned to no customer)
     */
    public record SourceConfig(@JsonProperty("topic") String topic,
                               @JsonProperty("listener") String listener,
                               @JsonProperty("formatter") String formatter,
                               @JsonProperty("enabled") Boolean enabled,
                               @JsonProperty("maxAgeSeconds") long maxAgeSeconds,
                               @JsonProperty("ratePerSecond") int ratePerSecond,
                               @JsonProperty("customer") String customer,
                               @JsonProperty("outcomeTopic") String outcomeTopic) {
        public SourceConfig(String topic, String listener, String formatter, Boolean enabled, long maxAgeSeconds,
                            int ratePerSecond, String customer) {
            this(topic, listener, formatter, enabled, maxAgeSeconds, ratePerSecond, customer, null);
        }

        public SourceConfig {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            if (topic == null || !topic.matches("[A-Za-z0-9_-]{1,256}")) {
                throw new IllegalArgumentException("packet source topic must be a topic name (A-Z a-z 0-9 _ -)");
            }
            if (listener == null) throw new IllegalArgumentException("packet source " + topic + ": listener missing");
            if (maxAgeSeconds < 0 || ratePerSecond < 0) {
                throw new IllegalArgumentException("packet source " + topic + ": negative maxAge/rate");
            }
        }
    }

    public String topicArn(String topicName) {
        return "arn:aws:sns:" + snsRegion + ":" + ACCOUNT + ":" + topicName;
    }

    /** Checks references between sections; the records checked their own fields. */
    public LocalConfig validated() {
        Map<String, ListenerConfig> names = new HashMap<>();
        Set<String> customerIds = new HashSet<>();
        customers.forEach(c -> customerIds.add(c.id()));
        for (ListenerConfig l : listeners) {
            if (names.put(l.name(), l) != null) throw new IllegalArgumentException("duplicate listener " + l.name());
            if (l.owner() != null && !customerIds.contains(l.owner())) {
                throw new IllegalArgumentException("listener " + l.name() + ": owner " + l.owner() + " is not a configured customer");
            }
        }
        Set<String> topics = new HashSet<>();
        for (SourceConfig s : packetSources) {
            if (!names.containsKey(s.listener())) {
                throw new IllegalArgumentException("packet source " + s.topic() + ": unknown listener " + s.listener());
            }
            if (!Objects.equals(s.customer(), names.get(s.listener()).owner())) {
                String owner = names.get(s.listener()).owner();
                // Either side may be the mistake: say what each says and what makes them agree.
                throw new IllegalArgumentException("packet source " + s.topic() + ": listener " + s.listener()
                        + " is not assigned to " + (s.customer() == null ? "no customer" : "customer " + s.customer())
                        + " (its owner: " + (owner == null ? "none" : owner) + "; a Packet Source's customer must be its"
                        + " Listener's owner: " + (s.customer() == null ? "remove the listener's owner or give the packet"
                        + " source 'customer: " + owner + "'" : "give the listener 'owner: " + s.customer() + "'") + ")");
            }
            if (!topics.add(s.topic())) throw new IllegalArgumentException("duplicate topic " + s.topic());
            if (s.outcomeTopic() != null && outcomeTopics.stream().noneMatch(o -> o.topic().equals(s.outcomeTopic()))) {
                throw new IllegalArgumentException("packet source " + s.topic() + ": outcomeTopic " + s.outcomeTopic()
                        + " is not one of outcomeTopics");
            }
        }
        for (OutcomeTopicConfig o : outcomeTopics) {
            if (topics.contains(o.topic()) || extraTopics.contains(o.topic()) || customerTopics.contains(o.topic())) {
                throw new IllegalArgumentException("outcome topic " + o.topic() + " is also a packet topic; use another name");
            }
        }
        for (String t : customerTopics) {
            if (topics.contains(t) || extraTopics.contains(t)) {
                throw new IllegalArgumentException("customer topic " + t + " is also pre-subscribed; list it once");
            }
            if (!t.matches("[A-Za-z0-9_-]{1,256}")) throw new IllegalArgumentException("bad customer topic " + t);
        }
        for (String r : regions) {
            if (!r.matches("[a-z]{2}(-[a-z]+)+-\\d")) throw new IllegalArgumentException("bad region " + r);
        }
        return this;
    }

    /** Every topic the local SNS endpoint knows: the Packet Sources', the extra and the customer ones. */
    public List<String> allTopicNames() {
        List<String> all = new ArrayList<>(preSubscribedTopicNames());
        customerTopics.stream().filter(t -> !all.contains(t)).forEach(all::add);
        outcomeTopics.stream().map(OutcomeTopicConfig::topic).filter(t -> !all.contains(t)).forEach(all::add);
        return all;
    }

    /**
     * Topics whose delivery-queue subscriptions exist from the start (the demo's): the Packet
     * Sources' and the extra ones. Customer topics start without any; a Packet Source resource
     * subscribes the queues.
     */
    public List<String> preSubscribedTopicNames() {
        List<String> all = new ArrayList<>();
        packetSources.forEach(s -> all.add(s.topic()));
        extraTopics.stream().filter(t -> !all.contains(t)).forEach(all::add);
        return all;
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public static LocalConfig load(Path file) throws IOException {
        try {
            return load(Files.readAllBytes(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static LocalConfig load(InputStream in) throws IOException {
        return load(in.readAllBytes());
    }

    private static LocalConfig load(byte[] yaml) throws IOException {
        try {
            KnownFields.check(yaml, LocalConfig.class);
            return mapper().readValue(yaml, LocalConfig.class).validated();
        } catch (StreamReadException e) {
            if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) throw syntax(y);
            throw e;
        } catch (ValueInstantiationException e) {
            // A record refused a value: its own message says which and why; add where.
            Throwable cause = e.getCause() == null ? e : e.getCause();
            var at = e.getLocation();
            throw new IllegalArgumentException((at == null ? "" : "line " + at.getLineNr() + ": ") + cause.getMessage(), e);
        }
    }

    /**
     * A YAML syntax error in one line: where the parser stopped and what it found. Not the parser's
     * own message, which spans lines, quotes the offending line (a config may hold a private key)
     * and carries a second, different position from Jackson.
     */
    private static IllegalArgumentException syntax(MarkedYAMLException y) {
        String problem = y.getProblem() == null ? "not YAML" : y.getProblem();
        String what = problem.contains("(TAB)") ? "a tab character; YAML indents with spaces only" : problem;
        Mark at = y.getProblemMark();
        return new IllegalArgumentException("line " + (at.getLine() + 1) + ", column " + (at.getColumn() + 1) + ": " + what);
    }

    /** The built-in config of {@code demo} and of {@code local} without {@code --config}. */
    public static LocalConfig builtIn() {
        try (InputStream in = LocalConfig.class.getResourceAsStream("/local/default.yaml")) {
            return load(in);
        } catch (IOException e) {
            throw new IllegalStateException("built-in config unreadable", e);
        }
    }
}
