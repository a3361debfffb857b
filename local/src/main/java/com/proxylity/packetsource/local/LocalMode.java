package com.proxylity.packetsource.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.session.InMemoryTaskDirectory;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.snsauth.SnsSignatureVerifier;
import com.proxylity.packetsource.core.usage.InMemoryUsageStore;
import com.proxylity.packetsource.functions.PacketSourceResource;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.functions.ratelimit.TokenBucketRateLimiter;
import com.proxylity.packetsource.functions.outcomes.SnsOutcomePublisher;
import com.proxylity.packetsource.functions.resource.AwsCustomerAccounts;
import com.proxylity.packetsource.functions.resource.OutcomeTopicCheck;
import com.proxylity.packetsource.local.sns.OutcomeTopics;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import com.proxylity.packetsource.functions.resource.PacketSourceLifecycle;
import com.proxylity.packetsource.functions.resource.ResponseUrls;
import com.proxylity.packetsource.functions.subscription.SnsSubscriptionConfirmer;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.customers.LocalCustomerEndpoint;
import com.proxylity.packetsource.local.resource.LocalResourceEndpoint;
import com.proxylity.packetsource.local.sns.LocalSigningKey;
import com.proxylity.packetsource.local.sqs.Sqs;
import com.proxylity.packetsource.local.stepfunctions.HandlerStages;
import com.proxylity.packetsource.local.stepfunctions.LocalMetrics;
import com.proxylity.packetsource.local.stepfunctions.Pipeline;
import com.proxylity.packetsource.local.stepfunctions.StateMachine;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * {@code packet-source local}: the whole pipeline in this JVM. The local SNS endpoint and the
 * delivery queues ({@link LocalStack}), the state machine definition run over the real handler
 * classes, the real sender on loopback, and an in-memory registry and session directory seeded
 * from the config. Loopback is allowed by the egress policy here and nowhere else.
 */
public final class LocalMode implements AutoCloseable {
    /** Packed into the jar from {@code statemachines/} by the build. */
    public static final String DEFINITION = "/statemachines/packet-source.asl.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalConfig config;
    private final LocalSender sender;
    /** Every sender task, the first being {@link #sender}; one unless {@code senderTasks > 1}. */
    private final List<LocalSender> tasks = new ArrayList<>();
    private final TaskControl control;
    private final LocalMetrics metrics = new LocalMetrics();
    private final InMemoryRegistry registry;
    private final SessionDirectory sessions;
    private final LocalStack stack;
    private final LocalResourceEndpoint resource;
    private final LocalCustomerEndpoint customers;
    private final Map<String, InMemoryUsageStore> usage = new java.util.concurrent.ConcurrentHashMap<>();

    private LocalMode(LocalConfig config, WireGuardPorts wireGuard, PrintStream senderOut) throws IOException {
        this.config = config;
        this.sessions = new InMemorySessionDirectory();
        // Several tasks: owner routing, as on AWS; one task: the registry's endpoint, as before.
        InMemoryTaskDirectory taskDirectory = config.senderTasks() > 1 ? new InMemoryTaskDirectory() : null;
        this.sender = taskDirectory == null ? new LocalSender(config, sessions, wireGuard, senderOut)
                : LocalSender.firstTask(config, sessions, wireGuard, senderOut, taskDirectory);
        tasks.add(sender);
        try {
            sender.start();
            for (int i = 2; i <= config.senderTasks(); i++) {
                LocalSender t = LocalSender.task(sender, i, taskDirectory);
                tasks.add(t);
                t.start();
            }
        } catch (IOException | RuntimeException e) {
            tasks.forEach(LocalSender::close);
            throw e;
        }
        try {
            this.registry = registry(config, sender);
            JsonNode definition = definition();
            Clock clock = Clock.systemUTC();
            // Validate confirms SubscriptionConfirmations through the SNS API, as in AWS: here the
            // local endpoint, known once the stack is up (the first confirmation comes later).
            AtomicReference<URI> snsEndpoint = new AtomicReference<>();
            SnsSubscriptionConfirmer confirmer = new SnsSubscriptionConfirmer(region -> SnsClient.builder()
                    .endpointOverride(snsEndpoint.get()).region(Region.of(region)).credentialsProvider(Sqs.dummyCredentials())
                    .httpClient(UrlConnectionHttpClient.create()).build());
            // The local SNS signs with a key made for this run; Validate trusts exactly that
            // certificate at its loopback URL, never SNS's production path.
            LocalSigningKey signingKey = LocalSigningKey.generate();
            HandlerStages.Parts parts = new HandlerStages.Parts(registry, sessions, DefaultEgressPolicy.localMode(),
                    new TokenBucketRateLimiter(clock), new HttpEgressTransport(sender.hmacKey(), clock, Duration.ofSeconds(5)),
                    metrics.pipelineMetrics(), clock, config.queues().batchSize(), confirmer,
                    new SnsSignatureVerifier(signingKey.trust()), taskDirectory, this::usage,
                    new SnsOutcomePublisher(region -> outcomePublisherClient(snsEndpoint.get(), region)));
            this.stack = LocalStack.start(config, signingKey, region -> pipeline(definition, region, parts), o -> { });
            snsEndpoint.set(stack.snsEndpoint());
        } catch (IOException | RuntimeException e) {
            tasks.forEach(LocalSender::close);
            throw e;
        }
        try {
            this.resource = LocalResourceEndpoint.start(config.ports().resource(), new PacketSourceResource(resourceLifecycle(),
                    ResponseUrls.loopbackOnly()));
        } catch (IOException | RuntimeException e) {
            stack.close();
            tasks.forEach(LocalSender::close);
            throw e;
        }
        try {
            this.customers = LocalCustomerEndpoint.start(config.ports().customers(), registry, config.regions(), this::usage);
        } catch (IOException | RuntimeException e) {
            resource.close();
            stack.close();
            tasks.forEach(LocalSender::close);
            throw e;
        }
        try {
            this.control = tasks.size() > 1 ? TaskControl.start(config.ports().taskControl(), tasks) : null;
        } catch (IOException | RuntimeException e) {
            customers.close();
            resource.close();
            stack.close();
            tasks.forEach(LocalSender::close);
            throw e;
        }
    }

    /**
     * The custom resource's work over local parts: this registry, the local STS (with the
     * provider's dummy credentials) and SNS, and the local delivery queues.
     */
    private PacketSourceLifecycle resourceLifecycle() {
        List<String> queueArns = new ArrayList<>();
        stack.queues().byRegion().values().forEach(q -> queueArns.add(q.arn()));
        List<String> served = new ArrayList<>(config.regions());
        if (!served.contains(config.snsRegion())) served.add(config.snsRegion());
        return new PacketSourceLifecycle(registry,
                new AwsCustomerAccounts(config.regions().get(0), Sqs.dummyCredentials(), stack.stsEndpoint(), stack.snsEndpoint()),
                new PacketSourceLifecycle.Settings(served, queueArns),
                new OutcomeTopicCheck(OutcomeTopics.PUBLISHER_ROLE_ARN,
                        new SnsOutcomePublisher(region -> outcomePublisherClient(stack.snsEndpoint(), region))));
    }

    /** SNS as the outcome publisher role: the local SNS knows it by its access key (OutcomeTopics). */
    private static SnsClient outcomePublisherClient(URI endpoint, String region) {
        return SnsClient.builder().endpointOverride(endpoint).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(OutcomeTopics.PUBLISHER_ACCESS_KEY, "local-only")))
                .overrideConfiguration(SnsOutcomePublisher.BOUNDED).httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static LocalMode start(LocalConfig config, WireGuardPorts wireGuard, PrintStream senderOut) throws IOException {
        return new LocalMode(config, wireGuard, senderOut);
    }

    private static Pipeline pipeline(JsonNode definition, String region, HandlerStages.Parts parts) {
        StateMachine machine = StateMachine.of(definition, HandlerStages.forRegion(region, parts));
        return machine::run;
    }

    static JsonNode definition() throws IOException {
        try (InputStream in = LocalMode.class.getResourceAsStream(DEFINITION)) {
            if (in == null) throw new IOException("state machine definition missing from the build: " + DEFINITION);
            return JSON.readTree(in);
        }
    }

    private static InMemoryRegistry registry(LocalConfig config, LocalSender sender) {
        List<Listener> listeners = new ArrayList<>();
        for (LocalConfig.ListenerConfig l : config.listeners()) {
            // The families the bound socket reaches, so the Format step (in Validate) and the sender agree (127.0.0.1: IPv4 only).
            listeners.add(new Listener(l.name(), l.type(), sender.listenerPorts().get(l.name()),
                    List.of("127.0.0.1"), sender.publicKeys().get(l.name()), sender.endpoint(),
                    sender.sender().listenerFamilies(l.name()), l.owner()));
        }
        List<PacketSource> sources = new ArrayList<>();
        for (LocalConfig.SourceConfig s : config.packetSources()) {
            sources.add(new PacketSource(config.topicArn(s.topic()), s.listener(), s.enabled(), s.formatter(),
                    s.maxAgeSeconds(), s.ratePerSecond(), s.customer(),
                    s.outcomeTopic() == null ? null : config.topicArn(s.outcomeTopic())));
        }
        InMemoryRegistry registry = new InMemoryRegistry(listeners, sources);
        for (LocalConfig.CustomerConfig c : config.customers()) registry.put(new Customer(c.id(), c.apiKeySha256(), c.externalId(),
                c.accounts() == null ? Set.of() : Set.copyOf(c.accounts())));
        return registry;
    }

    public LocalConfig config() { return config; }

    public LocalStack stack() { return stack; }

    /** The Custom::ProxylityUdpGatewayPacketSource provider (Lambda Invoke API base URL). */
    public URI resourceEndpoint() { return resource.endpoint(); }

    public InMemoryRegistry registry() { return registry; }

    /** A region's usage records (docs/usage.md), as its pipeline writes them. */
    public InMemoryUsageStore usage(String region) {
        return usage.computeIfAbsent(region, InMemoryUsageStore::new);
    }

    /** Where {@code packet-source customer --local} stores customers (this registry). */
    public URI customersEndpoint() { return customers.endpoint(); }

    /** The first sender task (the only one unless {@code senderTasks > 1}). */
    public LocalSender sender() { return sender; }

    /** Every sender task, in id order. */
    public List<LocalSender> tasks() { return List.copyOf(tasks); }

    /** The task control's base URL; empty with one task. */
    public Optional<URI> taskControl() {
        return Optional.ofNullable(control).map(TaskControl::endpoint);
    }

    public LocalMetrics metrics() { return metrics; }

    public SessionDirectory sessions() { return sessions; }

    @Override
    public void close() {
        if (control != null) control.close();
        customers.close();
        resource.close();
        stack.close();
        tasks.forEach(LocalSender::close);
    }
}
