package com.proxylity.packetsource.sender;

import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.session.TaskDirectory;
import com.proxylity.packetsource.sender.task.TaskHeartbeat;
import com.proxylity.packetsource.sender.api.EgressHttpServer;
import com.proxylity.packetsource.sender.api.EgressService;
import com.proxylity.packetsource.sender.metrics.ApiMetrics;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import com.proxylity.packetsource.sender.metrics.EmfWriter;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import com.proxylity.packetsource.sender.flow.FlowOwnerRecorder;
import com.proxylity.packetsource.sender.net.ListenerSocket;
import com.proxylity.packetsource.sender.net.Transport;
import com.proxylity.packetsource.sender.wg.EngineWireGuardPort;
import com.proxylity.packetsource.sender.wg.SessionPublisher;
import com.proxylity.packetsource.sender.wg.WireGuardPort;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.concurrent.ExecutionException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The sender service, startable in-process: binds every Listener socket, serves the egress API
 * and health, publishes metrics. {@link #close()} shuts down gracefully: stop accepting
 * requests, let requests in progress finish, drain queued datagrams, close the sockets.
 *
 * <pre>{@code
 * try (Sender s = Sender.start(SenderConfig.builder().hmacKey(key)
 *         .listener(ListenerConfig.udp("coap", "127.0.0.1", 0)).build())) {
 *     URI egress = s.egressUri();            // http://127.0.0.1:PORT/v1/egress
 *     int port = s.listenerAddress("coap").getPort();
 * }
 * }</pre>
 */
public final class Sender implements AutoCloseable {
    private static final JsonLog LOG = JsonLog.of(Sender.class);

    private final SenderConfig config;
    private final Map<String, ListenerSocket> sockets;
    private final Map<String, SenderMetrics> metrics;
    private final EventLoopGroup group;
    private final EgressHttpServer http;
    private final ScheduledExecutorService flusher;
    private final EmfWriter emf;
    private final SessionDirectory sessions;
    private final Transport transport;
    private final SessionPublisher publisher;
    private final Map<String, WireGuardPort> wireGuardPorts = new LinkedHashMap<>();
    private final ApiMetrics apiMetrics = new ApiMetrics();
    private final TaskHeartbeat heartbeat;
    private volatile boolean closing;

    private Sender(Builder b) throws IOException {
        this.config = b.config;
        this.sessions = b.sessions != null ? b.sessions : new InMemorySessionDirectory();
        this.transport = b.transport != null ? b.transport : Transport.best();
        Clock clock = b.clock;
        this.publisher = new SessionPublisher(sessions);
        WireGuardPorts wgFactory = b.wireGuard != null ? b.wireGuard : EngineWireGuardPort.factory(publisher);
        // Plain UDP: the task that hears a client records that it holds the client's NLB flow.
        FlowOwnerRecorder flowOwners = b.recordFlowOwners
                ? new FlowOwnerRecorder(config.senderId(), publisher, clock) : null;
        // The egress rule: checked on each Remote.Address before queueing (PacketCheck) and on
        // each WireGuard session endpoint when sealing (the Listener's encoder), given once to each.
        EgressPolicy policy = b.policy != null ? b.policy : config.egressPolicy();
        Map<String, ListenerSocket> s = new LinkedHashMap<>();
        Map<String, SenderMetrics> m = new LinkedHashMap<>();
        // One loop per Listener up to the core count, and at least one per socket of a Listener,
        // so a Listener's SO_REUSEPORT sockets each get their own loop (and core).
        int cores = Runtime.getRuntime().availableProcessors();
        int listenerLoops = Math.max(config.socketsPerListener(), Math.max(1, Math.min(config.listeners().size(), cores)));
        group = transport.newGroup(listenerLoops, "listener");
        try {
            for (ListenerConfig lc : config.listeners()) {
                SenderMetrics lm = new SenderMetrics(lc.name());
                WireGuardPort wg = lc.type().isWireGuard()
                        ? wgFactory.create(lc, config.senderId(), sessions, clock) : null;
                if (wg != null) wireGuardPorts.put(lc.name(), wg);
                ListenerSocket sock = new ListenerSocket(lc, config.queueCapacity(), lm, wg, config.socketsPerListener());
                if (b.shareListenerPorts) sock.sharePortWithOtherTasks();
                sock.endpointPolicy(policy);
                sock.udpSegmentation(config.udpSegmentation());
                if (wg == null && flowOwners != null) sock.onHeard(remote -> flowOwners.heard(lc.name(), remote));
                sock.bind(group, transport);
                s.put(lc.name(), sock);
                m.put(lc.name(), lm);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IOException("interrupted while binding", e);
        } catch (RuntimeException e) {
            s.values().forEach(ListenerSocket::close);
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        sockets = Collections.unmodifiableMap(s);
        metrics = Collections.unmodifiableMap(m);
        EgressService service = new EgressService(sockets, metrics, policy, config.drainTimeout());
        try {
            // When the Listener loops cover every core, the API's connections run on them too: a
            // request on a loop that holds one of its Listener's sockets is then received, MACed,
            // sent and answered on that thread, with no hand-off and no cross-CPU wake-up (one per
            // request). With fewer loops than cores the API keeps loops of its own, so the other
            // cores still work; sharing then measured slower. Both A/Bs: BENCHMARKS.md, "Decisions
            // the sender's code rests on".
            http = new EgressHttpServer(EgressHttpServer.builder(new EgressVerifier(config.egressKeys()), service)
                    .bind(config.egressBindAddress(), config.egressPort())
                    .threads(config.httpThreads())
                    .clock(clock::millis)
                    .healthy(this::healthy)
                    .metrics(apiMetrics)
                    .transport(transport)
                    .connectionLoops(listenerLoops >= cores ? group : null)
                    .build());
        } catch (IOException | RuntimeException e) {
            // E.g. the egress port is taken: release the Listener sockets we already hold.
            sockets.values().forEach(ListenerSocket::close);
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            publisher.close();
            throw e;
        }
        http.start();
        heartbeat = b.tasks == null ? null : new TaskHeartbeat(b.tasks, config.senderId(),
                b.advertisedEndpoint != null ? b.advertisedEndpoint : baseUri(http.address()),
                List.copyOf(sockets.keySet()), clock, b.stopAnnounced).start();
        emf = new EmfWriter(config.metricsNamespace(), "packet-source-sender", b.metricsOut, clock::millis);
        flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "metrics-flush");
            t.setDaemon(true);
            return t;
        });
        long every = config.metricsInterval().toMillis();
        flusher.scheduleAtFixedRate(this::flushMetrics, every, every, TimeUnit.MILLISECONDS);
        LOG.info("sender-started", "senderId", config.senderId(), "transport", transport.name(),
                "listeners", sockets.size(), "egressPort", http.address().getPort());
    }

    /** Starts with defaults: in-memory sessions, metrics on stdout, the WireGuard engine. */
    public static Sender start(SenderConfig config) throws IOException {
        return builder(config).start();
    }

    public static Builder builder(SenderConfig config) {
        return new Builder(config);
    }

    /** Port of the egress API (useful when configured as 0). */
    public int egressPort() {
        return http.address().getPort();
    }

    /** {@code http://host:port/v1/egress}, the URL the egress Lambda (or local pipeline) calls. */
    public URI egressUri() {
        InetSocketAddress a = http.address();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + a.getPort() + EgressApi.PATH);
    }

    private static String baseUri(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return "http://" + host + ":" + a.getPort();
    }

    /**
     * Owner routing: take no new flows or sessions (the heartbeat says draining), keep sending for
     * those this task holds. A rolling deployment's stopping task, or local mode's task control.
     */
    public void drain() {
        if (heartbeat == null) throw new IllegalStateException("no task directory: this sender is the Listener's only one");
        heartbeat.drain();
    }

    /** Whether this task beats Draining (told to, or its platform announced the stop). */
    public boolean draining() {
        return heartbeat != null && heartbeat.draining();
    }

    public String senderId() {
        return config.senderId();
    }

    /** Sockets bound to the Listener's address and port (SO_REUSEPORT; 1 unless configured). */
    public int listenerSockets(String listener) {
        ListenerSocket s = sockets.get(listener);
        if (s == null) throw new IllegalArgumentException("no such listener");
        return s.sockets();
    }

    /** The bound address of a Listener socket (its port is the real one when configured as 0). */
    public InetSocketAddress listenerAddress(String listener) {
        ListenerSocket s = sockets.get(listener);
        if (s == null) throw new IllegalArgumentException("no such listener");
        return s.localAddress();
    }

    /** The remote address families a Listener's socket reaches (its registry entry must say the same). */
    public AddressFamilies listenerFamilies(String listener) {
        ListenerSocket s = sockets.get(listener);
        if (s == null) throw new IllegalArgumentException("no such listener");
        return s.families();
    }

    /** Listener name → bound port. */
    public Map<String, Integer> listenerPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        sockets.forEach((k, v) -> ports.put(k, v.localAddress().getPort()));
        return ports;
    }

    public SenderMetrics metrics(String listener) {
        return metrics.get(listener);
    }

    public SessionDirectory sessionDirectory() {
        return sessions;
    }

    /**
     * Replaces the allowed peers of a WireGuard Listener without restarting it (the registry's
     * AllowedPeers, reloaded periodically). Removed peers lose their sessions.
     *
     * @return how many peers were added or removed
     */
    public int setAllowedPeers(String listener, Set<String> peers) {
        ListenerSocket s = sockets.get(listener);
        if (s == null) throw new IllegalArgumentException("no listener " + listener);
        try {
            return s.setAllowedPeers(peers).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("allowed peers of " + listener + " not applied", e);
        }
    }

    /** Names of the WireGuard Listeners. */
    public Set<String> wireGuardListeners() {
        return Set.copyOf(wireGuardPorts.keySet());
    }

    /** The WireGuard public key (base64) of a {@code wg}/{@code wg-decap} Listener. */
    public String wireGuardPublicKey(String listener) {
        WireGuardPort p = wireGuardPorts.get(listener);
        if (!(p instanceof EngineWireGuardPort e)) throw new IllegalArgumentException("no WireGuard engine on " + listener);
        return e.publicKey();
    }

    public Transport transport() {
        return transport;
    }

    /** Requests refused for authentication since start (401/503). */
    public long authRejected() {
        return http.authRejected();
    }

    /** Egress API refusals by reason since the last metrics flush (tests). */
    public ApiMetrics apiMetrics() {
        return apiMetrics;
    }

    /** The egress API's connections open now (tests, diagnostics). */
    public int egressConnections() {
        return http.openConnections();
    }

    /** Egress requests read and not yet answered (tests, diagnostics). */
    public int egressRequestsInProgress() {
        return http.requestsInProgress();
    }

    /** True while every Listener socket is bound and the sender is not shutting down. */
    public boolean healthy() {
        if (closing) return false;
        for (ListenerSocket s : sockets.values()) if (!s.active()) return false;
        return true;
    }

    private void flushMetrics() {
        try {
            metrics.values().forEach(emf::flush);
            emf.flush(apiMetrics);
        } catch (RuntimeException e) {
            LOG.error("metrics-flush-failed", e);
        }
    }

    @Override
    public synchronized void close() {
        if (closing) return;
        closing = true;
        LOG.info("sender-stopping", "senderId", config.senderId());
        // 0. Gone from routing at once: no new batch is addressed here while we drain.
        if (heartbeat != null) heartbeat.close();
        // 1. Stop accepting; requests in progress finish (they wait for their own sends).
        http.stop(config.drainTimeout());
        // 2. Drain anything still queued on the sockets.
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        for (ListenerSocket s : sockets.values()) {
            try {
                int left = s.drain(deadline);
                if (left > 0) LOG.warn("listener-drain-incomplete", "listener", s.config().name(), "queued", left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // 3. Close sockets and threads; last metrics out.
        sockets.values().forEach(ListenerSocket::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        wireGuardPorts.values().forEach(WireGuardPort::retireSessions);
        publisher.close();
        flusher.shutdownNow();
        flushMetrics();
        LOG.info("sender-stopped", "senderId", config.senderId());
    }

    /** Options for embedding (local mode, tests) beyond the configuration. */
    public static final class Builder {
        private final SenderConfig config;
        private SessionDirectory sessions;
        private EgressPolicy policy;
        private PrintStream metricsOut = System.out;
        private Clock clock = Clock.systemUTC();
        private Transport transport;
        private WireGuardPorts wireGuard;
        private boolean recordFlowOwners;
        private boolean shareListenerPorts;
        private TaskDirectory tasks;
        private String advertisedEndpoint;
        private BooleanSupplier stopAnnounced = () -> false;

        private Builder(SenderConfig config) {
            this.config = Objects.requireNonNull(config);
        }

        /** Where WireGuard sessions are published (shared with the local pipeline's lookups). */
        public Builder sessionDirectory(SessionDirectory v) { sessions = v; return this; }

        /** Second check of remote addresses (the pipeline checks first); overrides the config's. */
        public Builder egressPolicy(EgressPolicy v) { policy = v; return this; }

        public Builder metricsOut(PrintStream v) { metricsOut = v; return this; }

        public Builder clock(Clock v) { clock = v; return this; }

        public Builder transport(Transport v) { transport = v; return this; }

        /** Replaces the WireGuard engine (e.g. {@link WireGuardPorts#NONE}: everything NoSession). */
        public Builder wireGuard(WireGuardPorts v) { wireGuard = v; return this; }

        /** Record plain UDP flow ownership in the session directory (more than one task per Listener). */
        public Builder recordFlowOwners(boolean v) { recordFlowOwners = v; return this; }

        /**
         * Bind every Listener socket with {@code SO_REUSEPORT} even when this task has one, so
         * several tasks in one host can hold the same Listener port and the kernel hashes each
         * client flow to one of them (local mode's balancer, docs/local-mode.md). Native epoll only.
         */
        public Builder shareListenerPorts(boolean v) { shareListenerPorts = v; return this; }

        /**
         * One of several tasks per Listener: announce this task in {@code v} (heartbeat) so the
         * pipeline routes the flows and sessions it holds here (docs/architecture.md#owner-routing).
         */
        public Builder taskDirectory(TaskDirectory v) { tasks = v; return this; }

        /** This task's own egress base URL as the pipeline reaches it; default: the bound API address. */
        public Builder advertisedEndpoint(String v) { advertisedEndpoint = v; return this; }

        /** Polled every heartbeat: true once the platform has decided to stop this task (drain). */
        public Builder stopAnnounced(BooleanSupplier v) { stopAnnounced = Objects.requireNonNull(v); return this; }

        public Sender start() throws IOException {
            return new Sender(this);
        }
    }
}
