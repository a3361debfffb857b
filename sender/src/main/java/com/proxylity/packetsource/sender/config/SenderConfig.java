package com.proxylity.packetsource.sender.config;

import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.egressapi.EgressKeySet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything the sender needs to start. Built by {@link ConfigLoader} from a file/environment,
 * or directly (local mode and tests) with {@link #builder()}.
 *
 * @param senderId owner name written into session records; only this sender seals for them
 * @param egressKeys the egress API keys the sender accepts, by key id (docs/runbook.md, rotating
 *     the egress HMAC key); never logged
 * @param queueCapacity packets that may wait per Listener before new ones are SendError
 * @param drainTimeout how long close() waits for queued packets to reach the kernel
 * @param egressPolicy the sender's own check of remote addresses (defence in depth behind the
 *     pipeline's); null = none. {@link ConfigLoader} always sets the standard policy.
 * @param socketsPerListener sockets bound to each Listener's address and port with
 *     {@code SO_REUSEPORT}, each on its own event loop, so one Listener can use several cores
 *     (1..64; 0 = {@link #defaultSocketsPerListener()}; native epoll only, else 1)
 * @param udpSegmentation whether a Listener sends a batch's datagrams to one destination in one
 *     segmented send (UDP GSO, native epoll only; {@code net.SegmentRun}); on by default
 */
public record SenderConfig(String senderId, String egressBindAddress, int egressPort, EgressKeySet egressKeys,
                           List<ListenerConfig> listeners, int queueCapacity, SessionStoreConfig sessionStore,
                           Duration metricsInterval, String metricsNamespace, Duration drainTimeout,
                           int httpThreads, EgressPolicy egressPolicy, int socketsPerListener,
                           boolean udpSegmentation) {
    public static final int DEFAULT_QUEUE_CAPACITY = 16_384;

    public SenderConfig {
        Objects.requireNonNull(senderId, "senderId");
        Objects.requireNonNull(egressKeys, "egressKeys");
        egressBindAddress = egressBindAddress == null ? "127.0.0.1" : egressBindAddress;
        if (egressPort < 0 || egressPort > 65_535) throw new IllegalArgumentException("egress port " + egressPort);
        listeners = List.copyOf(listeners);
        if (listeners.stream().map(ListenerConfig::name).distinct().count() != listeners.size()) {
            throw new IllegalArgumentException("listener names must be unique");
        }
        if (queueCapacity <= 0) throw new IllegalArgumentException("queueCapacity must be > 0");
        sessionStore = sessionStore == null ? SessionStoreConfig.MEMORY : sessionStore;
        metricsInterval = metricsInterval == null ? Duration.ofSeconds(60) : metricsInterval;
        metricsNamespace = metricsNamespace == null ? "PacketSource" : metricsNamespace;
        drainTimeout = drainTimeout == null ? Duration.ofSeconds(5) : drainTimeout;
        if (httpThreads <= 0) httpThreads = 8;
        if (socketsPerListener == 0) socketsPerListener = defaultSocketsPerListener();
        if (socketsPerListener < 1 || socketsPerListener > 64) {
            throw new IllegalArgumentException("socketsPerListener must be 1..64");
        }
    }

    /**
     * One socket per processor the JVM may use: every core sends, and the Listener loops then
     * cover every core, so the egress API's connections run on them and a request is sent
     * inline on its own thread (Sender). Measured against 1 socket on 2 vCPUs: BENCHMARKS.md,
     * "Decisions the sender's code rests on". On the 0.5-vCPU task this is 1.
     */
    public static int defaultSocketsPerListener() {
        return Math.min(64, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public String toString() {
        return "SenderConfig[senderId=" + senderId + ", egress=" + egressBindAddress + ":" + egressPort
                + ", egressKeys=" + egressKeys + ", listeners=" + listeners + ", queueCapacity=" + queueCapacity
                + ", sessionStore=" + sessionStore.type() + "]";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Convenient construction for embedding; defaults suit loopback (port 0 everywhere). */
    public static final class Builder {
        private String senderId = "local-sender";
        private String egressBindAddress = "127.0.0.1";
        private int egressPort;
        private EgressKeySet egressKeys;
        private final List<ListenerConfig> listeners = new ArrayList<>();
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private SessionStoreConfig sessionStore = SessionStoreConfig.MEMORY;
        private Duration metricsInterval = Duration.ofSeconds(60);
        private String metricsNamespace = "PacketSource";
        private Duration drainTimeout = Duration.ofSeconds(5);
        private int httpThreads = 8;
        private EgressPolicy egressPolicy;
        private int socketsPerListener;
        private boolean udpSegmentation = true;

        public Builder senderId(String v) { senderId = v; return this; }
        public Builder egress(String bindAddress, int port) { egressBindAddress = bindAddress; egressPort = port; return this; }
        /** One key, requests without a key id (what local mode and most tests use). */
        public Builder hmacKey(byte[] v) { egressKeys = v == null ? null : EgressKeySet.single(v); return this; }
        public Builder egressKeys(EgressKeySet v) { egressKeys = v; return this; }
        public Builder listener(ListenerConfig v) { listeners.add(v); return this; }
        public Builder queueCapacity(int v) { queueCapacity = v; return this; }
        public Builder sessionStore(SessionStoreConfig v) { sessionStore = v; return this; }
        public Builder metricsInterval(Duration v) { metricsInterval = v; return this; }
        public Builder metricsNamespace(String v) { metricsNamespace = v; return this; }
        public Builder drainTimeout(Duration v) { drainTimeout = v; return this; }
        public Builder httpThreads(int v) { httpThreads = v; return this; }
        public Builder egressPolicy(EgressPolicy v) { egressPolicy = v; return this; }
        public Builder socketsPerListener(int v) { socketsPerListener = v; return this; }
        public Builder udpSegmentation(boolean v) { udpSegmentation = v; return this; }

        public SenderConfig build() {
            return new SenderConfig(senderId, egressBindAddress, egressPort, egressKeys, listeners, queueCapacity,
                    sessionStore, metricsInterval, metricsNamespace, drainTimeout, httpThreads, egressPolicy,
                    socketsPerListener, udpSegmentation);
        }
    }
}
