package com.proxylity.packetsource.core.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real WireGuard peer for interop tests: {@code wireguard-go} whose tunnel interface lives in a
 * fresh network namespace, while its UDP socket stays in the root namespace so it can talk to a
 * listener bound to 127.0.0.1.
 *
 * <h2>Driving our engine against it</h2>
 * <pre>{@code
 * try (DatagramSocket listener = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
 *      WireGuardPeer peer = WireGuardPeer.builder()
 *              .peer(listenerKeys.publicKey(), (InetSocketAddress) listener.getLocalSocketAddress())
 *              .persistentKeepalive(Duration.ofSeconds(25))   // makes wireguard-go initiate at once
 *              .start();                                      // skips (or fails in CI) without root/wireguard-go
 *      InnerUdpReceiver rx = peer.receiver(peer.innerV4(), 0)) {
 *     // feed listener.receive(...) datagrams to the engine; peer.endpoint() is where wireguard-go
 *     // sends from (127.0.0.1:port); peer.publicKey() is the peer key the engine must accept.
 *     // ... once the handshake is done, seal an inner IPv4/UDP packet to rx.address() ...
 *     ReceivedDatagram d = rx.expect(Duration.ofSeconds(5));
 *     assertArrayEquals(payload, d.payload());
 *     assertEquals(new InetSocketAddress("10.77.0.1", 53), d.source());
 * }
 * }</pre>
 * <ul>
 *   <li>Inner addresses default to {@value #DEFAULT_INNER_V4} and {@value #DEFAULT_INNER_V6} on the
 *   tunnel interface, with default routes (both families) through it, so a packet from any inner
 *   source passes reverse-path checks and {@link #sendInnerUdp} can reach any inner destination.
 *   The peer's allowed-ips are {@code 0.0.0.0/0, ::/0}.</li>
 *   <li>{@link #sendInnerUdp} makes the peer send traffic into the tunnel, which also triggers a
 *   handshake initiation from wireguard-go if there is no session.</li>
 *   <li>{@link #latestHandshake()}, {@link #status()} read {@code wg show IF dump};
 *   {@link #awaitHandshake} polls it and re-adds the peer every few seconds, because wireguard-go
 *   retries an unanswered initiation only every 5 s.</li>
 *   <li>{@link #rebindUdp()} moves the peer to a new source port (roaming tests).</li>
 *   <li>{@link #log()} returns wireguard-go's verbose log (handshake and MAC errors show there;
 *   it never contains keys).</li>
 *   <li>{@link #close()} kills wireguard-go and deletes the namespace. A watchdog does the same if
 *   the JVM dies without closing, and a shutdown hook closes peers still open at exit.</li>
 * </ul>
 * Names are {@code pswg} + 8 random hex digits (interface and namespace), so concurrent runs on the
 * same machine do not collide. wireguard-go has no bind-address option: its UDP socket listens on
 * all addresses of the root namespace (ephemeral port) for the life of the test.
 */
public final class WireGuardPeer implements AutoCloseable {
    public static final String DEFAULT_INNER_V4 = "10.77.0.2/24";
    public static final String DEFAULT_INNER_V6 = "fd00:77::2/64";
    private static final Duration CMD = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<WireGuardPeer> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(WireGuardPeer::close), "wg-peer-cleanup"));
    }

    private final String name;
    private final WireGuardKeys keys;
    private final InetAddress innerV4;
    private final InetAddress innerV6;
    private final Path logFile;
    private final Process watchdog;
    private volatile int listenPort;
    private volatile PeerConfig peerConfig;
    private volatile boolean closed;

    /** The remote side as configured in wireguard-go ({@code wg set IF peer ...}). */
    public record PeerConfig(String publicKey, InetSocketAddress endpoint, Duration persistentKeepalive, String presharedKey) {
        @Override
        public String toString() {
            return "PeerConfig[publicKey=" + publicKey + ", endpoint=" + endpoint + ", keepalive=" + persistentKeepalive + "]";
        }
    }

    /** One line of {@code wg show IF dump} for the configured peer. */
    public record PeerStatus(String publicKey, String endpoint, Optional<Instant> latestHandshake,
                             long rxBytes, long txBytes) {}

    /** Skips the calling test (or fails it when {@value Interop#REQUIRE_ENV}=1) unless a peer can run here. */
    public static void requireAvailable() {
        Interop.require(Interop.onPath("wireguard-go") != null, "wireguard-go on PATH (Debian package wireguard-go)");
        Interop.require(Interop.onPath("wg") != null, "wg on PATH (Debian package wireguard-tools)");
        Interop.require(Interop.onPath("ip") != null, "ip on PATH (Debian package iproute2)");
        Interop.require(Interop.onPath(Scripts.PYTHON) != null, "python3");
        Interop.require(Files.exists(Path.of("/dev/net/tun")), "/dev/net/tun");
        Interop.require(Interop.isRoot(), "root (network namespaces and tun devices)");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A peer whose remote is {@code listenerPublicKey} at {@code listenerEndpoint}, keepalive 25 s, default addresses. */
    public static WireGuardPeer start(String listenerPublicKey, InetSocketAddress listenerEndpoint) {
        return builder().peer(listenerPublicKey, listenerEndpoint).start();
    }

    public static final class Builder {
        private WireGuardKeys keys;
        private String innerV4 = DEFAULT_INNER_V4;
        private String innerV6 = DEFAULT_INNER_V6;
        private String peerKey;
        private InetSocketAddress peerEndpoint;
        private Duration keepalive = Duration.ofSeconds(25);
        private String presharedKey;

        /** This peer's own static keys (default: freshly generated). */
        public Builder keys(WireGuardKeys keys) { this.keys = keys; return this; }

        /** Inner IPv4 address with prefix, e.g. {@code 10.77.0.3/24}. */
        public Builder innerV4(String cidr) { this.innerV4 = cidr; return this; }

        /** Inner IPv6 address with prefix, e.g. {@code fd00:77::3/64}. */
        public Builder innerV6(String cidr) { this.innerV6 = cidr; return this; }

        /** The remote side (our listener). Optional here: {@link WireGuardPeer#setPeer} can do it later. */
        public Builder peer(String publicKey, InetSocketAddress endpoint) {
            this.peerKey = publicKey;
            this.peerEndpoint = endpoint;
            return this;
        }

        /** {@code persistent-keepalive}; setting it makes wireguard-go send (and so handshake) at once. Zero disables. */
        public Builder persistentKeepalive(Duration d) { this.keepalive = d; return this; }

        /** Optional pre-shared key (base64, 32 bytes) for the peer. */
        public Builder presharedKey(String b64) { this.presharedKey = b64; return this; }

        public WireGuardPeer start() {
            requireAvailable();
            WireGuardPeer p = new WireGuardPeer(keys == null ? WireGuardKeys.generate() : keys, innerV4, innerV6);
            try {
                p.bringUp(innerV4, innerV6);
                if (peerKey != null) p.setPeer(new PeerConfig(peerKey, peerEndpoint, keepalive, presharedKey));
                return p;
            } catch (RuntimeException | Error e) {
                String log = p.log();
                p.close();
                throw new IllegalStateException("wireguard-go peer did not come up; its log:\n" + log, e);
            }
        }
    }

    private WireGuardPeer(WireGuardKeys keys, String innerV4Cidr, String innerV6Cidr) {
        this.keys = keys;
        this.name = "pswg" + HexFormat.of().toHexDigits(RANDOM.nextInt());
        this.innerV4 = address(innerV4Cidr);
        this.innerV6 = address(innerV6Cidr);
        try {
            this.logFile = Files.createTempFile(name, ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder pb = new ProcessBuilder(Scripts.PYTHON, "-c", Scripts.load("wg_peer_watchdog.py"),
                name, name, logFile.toString());
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            watchdog = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OPEN.add(this);
    }

    private static InetAddress address(String cidr) {
        try {
            return InetAddress.getByName(cidr.substring(0, cidr.indexOf('/')));
        } catch (UnknownHostException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not an address/prefix: " + cidr, e);
        }
    }

    private void bringUp(String v4, String v6) {
        waitForControlSocket();
        run("ip", "netns", "add", name);
        run("ip", "link", "set", name, "netns", name);
        Commands.runWithInput(CMD, keys.privateKey() + "\n", "wg", "set", name, "private-key", "/dev/stdin", "listen-port", "0");
        run("ip", "netns", "exec", name, "sh", "-c", "echo 0 > /proc/sys/net/ipv6/conf/all/disable_ipv6");
        run("ip", "-n", name, "link", "set", "lo", "up");
        run("ip", "-n", name, "addr", "add", v4, "dev", name);
        // nodad: an address in DAD is "tentative" and cannot be bound for a second or two.
        run("ip", "-n", name, "-6", "addr", "add", v6, "dev", name, "nodad");
        run("ip", "-n", name, "link", "set", name, "up");
        run("ip", "-n", name, "route", "add", "default", "dev", name);
        run("ip", "-n", name, "-6", "route", "add", "default", "dev", name);
        listenPort = awaitListenPort();
    }

    private void waitForControlSocket() {
        Path sock = Path.of("/var/run/wireguard", name + ".sock");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(sock)) {
            if (!watchdog.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("wireguard-go did not create " + sock);
            }
            sleep(20);
        }
    }

    private int awaitListenPort() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            int port = Integer.parseInt(run("wg", "show", name, "listen-port").strip());
            if (port != 0) return port;
            if (System.nanoTime() > deadline) throw new IllegalStateException("wireguard-go bound no UDP port");
            sleep(20);
        }
    }

    /** Configures (or replaces) the remote peer: allowed-ips {@code 0.0.0.0/0,::/0}. */
    public void setPeer(String publicKey, InetSocketAddress endpoint) {
        setPeer(new PeerConfig(publicKey, endpoint, Duration.ofSeconds(25), null));
    }

    public synchronized void setPeer(PeerConfig config) {
        PeerConfig old = peerConfig;
        if (old != null && !old.publicKey().equals(config.publicKey())) {
            run("wg", "set", name, "peer", old.publicKey(), "remove");
        }
        applyPeer(config);
        peerConfig = config;
    }

    private void applyPeer(PeerConfig c) {
        String endpoint = (c.endpoint().getAddress() instanceof Inet6Address ? "[" + c.endpoint().getAddress().getHostAddress() + "]"
                : c.endpoint().getAddress().getHostAddress()) + ":" + c.endpoint().getPort();
        String keepalive = Long.toString(c.persistentKeepalive() == null ? 0 : c.persistentKeepalive().toSeconds());
        if (c.presharedKey() != null) {
            Commands.runWithInput(CMD, c.presharedKey() + "\n", "wg", "set", name, "peer", c.publicKey(),
                    "preshared-key", "/dev/stdin", "endpoint", endpoint, "allowed-ips", "0.0.0.0/0,::/0",
                    "persistent-keepalive", keepalive);
        } else {
            run("wg", "set", name, "peer", c.publicKey(), "endpoint", endpoint, "allowed-ips", "0.0.0.0/0,::/0",
                    "persistent-keepalive", keepalive);
        }
    }

    /** Drops the peer (and its sessions) and adds it again, so wireguard-go initiates a handshake now. */
    public synchronized void removeAndReaddPeer() {
        PeerConfig c = requirePeer();
        run("wg", "set", name, "peer", c.publicKey(), "remove");
        applyPeer(c);
    }

    /**
     * Moves wireguard-go's UDP socket to a new ephemeral port (as a client behind a NAT rebinding
     * would), for roaming tests. Returns the new {@link #endpoint()}.
     */
    public synchronized InetSocketAddress rebindUdp() {
        int old = listenPort;
        for (int i = 0; i < 5; i++) {
            run("wg", "set", name, "listen-port", "0");
            listenPort = awaitListenPort();
            if (listenPort != old) return endpoint();
        }
        throw new IllegalStateException("wireguard-go kept port " + old);
    }

    /** When wireguard-go last completed a handshake with the peer; empty if never. */
    public Optional<Instant> latestHandshake() {
        return status().latestHandshake();
    }

    /** The peer's line of {@code wg show IF dump}. */
    public PeerStatus status() {
        PeerConfig c = requirePeer();
        // Only peer lines (9 fields) are parsed; the interface line (with the private key) is skipped.
        for (String line : run("wg", "show", name, "dump").split("\n")) {
            String[] f = line.split("\t");
            if (f.length >= 8 && f[0].equals(c.publicKey())) {
                long hs = Long.parseLong(f[4]);
                return new PeerStatus(f[0], f[2], hs == 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(hs)),
                        Long.parseLong(f[5]), Long.parseLong(f[6]));
            }
        }
        throw new IllegalStateException("peer not configured in " + name);
    }

    /**
     * Waits for a completed handshake, re-adding the peer every 3 s while there is none (wireguard-go
     * itself would only retry every 5 s). Returns false on timeout; see {@link #log()} for why.
     */
    public boolean awaitHandshake(Duration timeout) {
        long start = System.nanoTime();
        long lastKick = start;
        while (System.nanoTime() - start < timeout.toNanos()) {
            if (latestHandshake().isPresent()) return true;
            if (System.nanoTime() - lastKick > TimeUnit.SECONDS.toNanos(3)) {
                removeAndReaddPeer();
                lastKick = System.nanoTime();
            }
            sleep(50);
        }
        return latestHandshake().isPresent();
    }

    /** A UDP socket bound to {@code innerAddr:port} inside the namespace (port 0 = ephemeral). */
    public InnerUdpReceiver receiver(InetAddress innerAddr, int port) {
        return new InnerUdpReceiver(name, innerAddr, port);
    }

    /**
     * Sends one UDP datagram from inside the namespace into the tunnel, from {@code from} (port 0 =
     * ephemeral) to {@code to}. Returns the source port used.
     */
    public int sendInnerUdp(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
        String out = run("ip", "netns", "exec", name, Scripts.PYTHON, "-c", Scripts.load("udp_send.py"),
                from.getAddress().getHostAddress(), Integer.toString(from.getPort()),
                to.getAddress().getHostAddress(), Integer.toString(to.getPort()), HexFormat.of().formatHex(payload));
        return Integer.parseInt(out.strip());
    }

    /** Sends from this peer's inner address of {@code to}'s family, ephemeral port. */
    public int sendInnerUdp(InetSocketAddress to, byte[] payload) {
        InetAddress src = to.getAddress() instanceof Inet6Address ? innerV6 : innerV4;
        return sendInnerUdp(new InetSocketAddress(src, 0), to, payload);
    }

    public String publicKey() { return keys.publicKey(); }

    public WireGuardKeys keys() { return keys; }

    /** Where wireguard-go's UDP socket is reachable, and so where its packets come from: 127.0.0.1:port. */
    public InetSocketAddress endpoint() { return new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort); }

    public int listenPort() { return listenPort; }

    public InetAddress innerV4() { return innerV4; }

    public InetAddress innerV6() { return innerV6; }

    /** Interface and namespace name (the same string). */
    public String name() { return name; }

    public Optional<PeerConfig> peer() { return Optional.ofNullable(peerConfig); }

    /** wireguard-go's verbose log so far (for assertion messages). */
    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        OPEN.remove(this);
        try (OutputStream in = watchdog.getOutputStream()) {
            // EOF tells the watchdog to stop wireguard-go and delete the namespace.
        } catch (IOException e) {
            // watchdog already gone; the fallback below still cleans up
        }
        try {
            if (!watchdog.waitFor(15, TimeUnit.SECONDS)) watchdog.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Fallback if the watchdog could not finish: never leave a namespace behind.
        Commands.tryRun(CMD, null, "ip", "netns", "del", name);
        try {
            Files.deleteIfExists(logFile);
        } catch (IOException e) {
            // temp file, harmless
        }
    }

    private PeerConfig requirePeer() {
        PeerConfig c = peerConfig;
        if (c == null) throw new IllegalStateException("no peer configured: call setPeer first");
        return c;
    }

    private static String run(String... argv) {
        return Commands.run(CMD, argv);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "WireGuardPeer[" + name + ", publicKey=" + keys.publicKey() + ", endpoint=" + endpoint() + "]";
    }
}
