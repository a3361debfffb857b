package com.proxylity.packetsource.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egress.DefaultEgressPolicy;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.functions.runtime.HttpEgressTransport;
import com.proxylity.packetsource.functions.runtime.TokenBucketRateLimiter;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.pipeline.HandlerStages;
import com.proxylity.packetsource.local.pipeline.LocalMetrics;
import com.proxylity.packetsource.local.pipeline.Pipeline;
import com.proxylity.packetsource.local.pipeline.StateMachine;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    private final LocalMetrics metrics = new LocalMetrics();
    private final InMemoryRegistry registry;
    private final SessionDirectory sessions;
    private final LocalStack stack;

    private LocalMode(LocalConfig config, WireGuardPorts wireGuard, PrintStream senderOut) throws IOException {
        this.config = config;
        this.sessions = new InMemorySessionDirectory();
        this.sender = new LocalSender(config, sessions, wireGuard, senderOut);
        sender.start();
        try {
            this.registry = registry(config, sender);
            JsonNode definition = definition();
            Clock clock = Clock.systemUTC();
            HandlerStages.Parts parts = new HandlerStages.Parts(registry, sessions, DefaultEgressPolicy.localMode(),
                    new TokenBucketRateLimiter(clock), new HttpEgressTransport(sender.hmacKey(), clock, Duration.ofSeconds(5)),
                    metrics.pipelineMetrics(), clock, config.queues().batchSize());
            this.stack = LocalStack.start(config, region -> pipeline(definition, region, parts), o -> { });
        } catch (IOException | RuntimeException e) {
            sender.close();
            throw e;
        }
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
            // The families the bound socket reaches, so Format and the sender agree (127.0.0.1: IPv4 only).
            listeners.add(new Listener(l.name(), ListenerType.fromWireName(l.typeName()), sender.listenerPorts().get(l.name()),
                    List.of("127.0.0.1"), sender.publicKeys().get(l.name()), sender.endpoint(),
                    sender.sender().listenerFamilies(l.name())));
        }
        List<PacketSource> sources = new ArrayList<>();
        for (LocalConfig.SourceConfig s : config.packetSources()) {
            sources.add(new PacketSource(config.topicArn(s.topic()), s.listener(), s.enabled(), s.formatter(),
                    s.maxAgeSeconds(), s.ratePerSecond()));
        }
        return new InMemoryRegistry(listeners, sources);
    }

    public LocalConfig config() { return config; }

    public LocalStack stack() { return stack; }

    public LocalSender sender() { return sender; }

    public LocalMetrics metrics() { return metrics; }

    public SessionDirectory sessions() { return sessions; }

    @Override
    public void close() {
        stack.close();
        sender.close();
    }
}
