package com.proxylity.packetsource.local;

import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.session.TaskDirectory;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.sender.Sender;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real sender service in this JVM, on loopback: Listener sockets on 127.0.0.1 and the
 * authenticated egress API. It can be stopped and started again on the same ports (the registry
 * holds its endpoint), which is how the failure loop is tried locally.
 *
 * <p>With {@code senderTasks > 1} this is one of several tasks: all hold the same Listener
 * ports ({@code SO_REUSEPORT}: the kernel hashes each client flow to one task, the local
 * stand-in for the NLB), share the Listener keys and the egress HMAC key (as the deployed tasks
 * read the same secrets), beat into the task directory and record the flows they hear, so the
 * pipeline routes by owner (docs/local-mode.md, "Several sender tasks").
 */
public final class LocalSender implements AutoCloseable {
    private final LocalConfig config;
    private final SessionDirectory sessions;
    private final WireGuardPorts wireGuard;
    private final String taskId;
    private final TaskDirectory tasks;
    private final byte[] hmacKey;
    private final Map<String, byte[]> privateKeys;
    private final Map<String, Integer> listenerPorts;
    private final PrintStream metricsOut;
    private int egressPort;
    private volatile Sender sender;
    private final KillSwitch killSwitch = new KillSwitch();

    public LocalSender(LocalConfig config, SessionDirectory sessions, WireGuardPorts wireGuard, PrintStream metricsOut) {
        this.config = config;
        this.sessions = sessions;
        this.wireGuard = wireGuard;
        this.taskId = "local-sender";
        this.tasks = null;
        this.metricsOut = metricsOut == null ? new PrintStream(OutputStream.nullOutputStream()) : metricsOut;
        this.hmacKey = new byte[32];
        new SecureRandom().nextBytes(hmacKey);
        this.privateKeys = new LinkedHashMap<>();
        this.listenerPorts = new LinkedHashMap<>();
        this.egressPort = config.ports().egressApi();
        for (LocalConfig.ListenerConfig l : config.listeners()) {
            if (l.type().isWireGuard()) {
                privateKeys.put(l.name(), l.privateKey() == null ? ListenerKeys.generatePrivate()
                        : ListenerKeys.parsePrivate(l.privateKey(), l.name()));
            }
            listenerPorts.put(l.name(), l.port());
        }
    }

    private LocalSender(LocalSender first, String taskId, TaskDirectory tasks, int egressPort) {
        this.config = first.config;
        this.sessions = first.sessions;
        this.wireGuard = first.wireGuard;
        this.taskId = taskId;
        this.tasks = tasks;
        this.metricsOut = first.metricsOut;
        this.hmacKey = first.hmacKey;
        this.privateKeys = first.privateKeys;
        this.listenerPorts = new LinkedHashMap<>(first.listenerPorts);
        this.egressPort = egressPort;
    }

    /**
     * Task {@code index} (1-based) of several: the first binds the Listener ports (0 picks them),
     * the others join those ports; each has its own egress API port.
     */
    public static LocalSender task(LocalSender first, int index, TaskDirectory tasks) {
        int configured = first.config.ports().egressApi();
        return new LocalSender(first, "local-sender-" + index, tasks, configured == 0 ? 0 : configured + index - 1);
    }

    /** The first of several tasks; call {@link #task} for the others once it has started. */
    public static LocalSender firstTask(LocalConfig config, SessionDirectory sessions, WireGuardPorts wireGuard,
                                        PrintStream metricsOut, TaskDirectory tasks) {
        return new LocalSender(new LocalSender(config, sessions, wireGuard, metricsOut), "local-sender-1", tasks,
                config.ports().egressApi());
    }

    public String taskId() { return taskId; }

    public boolean running() { return sender != null; }

    /** Binds (again) with the ports chosen at the first start. */
    public synchronized void start() throws IOException {
        if (sender != null) return;
        SenderConfig.Builder b = SenderConfig.builder().senderId(taskId).egress("127.0.0.1", egressPort)
                .hmacKey(hmacKey).metricsInterval(Duration.ofSeconds(60)).drainTimeout(Duration.ofSeconds(2));
        for (LocalConfig.ListenerConfig l : config.listeners()) {
            b.listener(new ListenerConfig(l.name(), l.type(), "127.0.0.1", listenerPorts.get(l.name()),
                    privateKeys.get(l.name()), l.allowedPeers()));
        }
        // One socket per task and Listener: every task then weighs the same in the kernel's flow hash.
        if (tasks != null) b.socketsPerListener(1);
        killSwitch.revive();
        Sender.Builder sb = Sender.builder(b.build()).sessionDirectory(killSwitch.sessions(sessions))
                .egressPolicy(DefaultEgressPolicy.localMode()).metricsOut(metricsOut);
        if (tasks != null) sb.taskDirectory(killSwitch.tasks(tasks)).recordFlowOwners(true).shareListenerPorts(true);
        if (wireGuard != null) sb.wireGuard(wireGuard); // null: the sender's own engine
        sender = sb.start();
        egressPort = sender.egressPort();
        listenerPorts.putAll(sender.listenerPorts());
    }

    public synchronized void stop() {
        if (sender == null) return;
        sender.close();
        sender = null;
    }

    /**
     * As SIGKILL or the loss of its AZ: the task goes silent first (no last beat, its sessions
     * and flows left as they were, to lapse), then its sockets close.
     */
    public synchronized void kill() {
        if (sender == null) return;
        killSwitch.kill();
        sender.close();
        sender = null;
    }

    /** As a rolling deployment's stopping task: no new flows or sessions, keeps sending for its own. */
    public synchronized void drain() {
        if (sender == null) return;
        sender.drain();
    }

    public boolean draining() {
        Sender s = sender;
        return s != null && s.draining();
    }

    public Sender sender() { return sender; }

    public byte[] hmacKey() { return hmacKey.clone(); }

    /** Base URL the Egress handler posts to. */
    public String endpoint() { return "http://127.0.0.1:" + egressPort; }

    public int egressPort() { return egressPort; }

    public Map<String, Integer> listenerPorts() { return Map.copyOf(listenerPorts); }

    /** Listener name → base64 public key, for WireGuard Listeners. */
    public Map<String, String> publicKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        privateKeys.forEach((n, k) -> keys.put(n, ListenerKeys.publicKey(k)));
        return keys;
    }

    @Override
    public void close() {
        stop();
    }
}
