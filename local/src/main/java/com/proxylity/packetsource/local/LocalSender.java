package com.proxylity.packetsource.local;

import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.session.SessionDirectory;
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
 */
public final class LocalSender implements AutoCloseable {
    private final LocalConfig config;
    private final SessionDirectory sessions;
    private final WireGuardPorts wireGuard;
    private final byte[] hmacKey = new byte[32];
    private final Map<String, byte[]> privateKeys = new LinkedHashMap<>();
    private final Map<String, Integer> listenerPorts = new LinkedHashMap<>();
    private final PrintStream metricsOut;
    private int egressPort;
    private volatile Sender sender;

    public LocalSender(LocalConfig config, SessionDirectory sessions, WireGuardPorts wireGuard, PrintStream metricsOut) {
        this.config = config;
        this.sessions = sessions;
        this.wireGuard = wireGuard;
        this.metricsOut = metricsOut == null ? new PrintStream(OutputStream.nullOutputStream()) : metricsOut;
        new SecureRandom().nextBytes(hmacKey);
        this.egressPort = config.ports().egressApi();
        for (LocalConfig.ListenerConfig l : config.listeners()) {
            if (l.protocol().equals("wg")) {
                privateKeys.put(l.name(), l.privateKey() == null ? ListenerKeys.generatePrivate()
                        : ListenerKeys.parsePrivate(l.privateKey(), l.name()));
            }
            listenerPorts.put(l.name(), l.port());
        }
    }

    /** Binds (again) with the ports chosen at the first start. */
    public synchronized void start() throws IOException {
        if (sender != null) return;
        SenderConfig.Builder b = SenderConfig.builder().senderId("local-sender").egress("127.0.0.1", egressPort)
                .hmacKey(hmacKey).metricsInterval(Duration.ofSeconds(60)).drainTimeout(Duration.ofSeconds(2));
        for (LocalConfig.ListenerConfig l : config.listeners()) {
            ListenerType type = ListenerType.fromWireName(l.typeName());
            b.listener(new ListenerConfig(l.name(), type, "127.0.0.1", listenerPorts.get(l.name()),
                    privateKeys.get(l.name()), l.allowedPeers()));
        }
        Sender.Builder sb = Sender.builder(b.build()).sessionDirectory(sessions)
                .egressPolicy(DefaultEgressPolicy.localMode()).metricsOut(metricsOut);
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
