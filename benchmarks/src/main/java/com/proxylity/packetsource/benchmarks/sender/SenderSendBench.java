package com.proxylity.packetsource.benchmarks.sender;

import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressMacScheme;
import com.proxylity.packetsource.core.egressapi.EgressSigner;
import com.proxylity.packetsource.functions.SenderUnavailableException;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.sender.Sender;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import com.proxylity.packetsource.sender.net.ListenerSocket;
import com.proxylity.packetsource.sender.net.SegmentRun;
import com.proxylity.packetsource.sender.net.Outbound;
import com.proxylity.packetsource.sender.net.Transport;
import com.proxylity.packetsource.sender.wg.EngineWireGuardPort;
import com.proxylity.packetsource.sender.wg.SessionPublisher;
import com.proxylity.packetsource.core.session.InMemorySessionDirectory;
import com.proxylity.packetsource.core.wireguard.PeerKey;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import io.netty.util.concurrent.EventExecutor;
import java.net.StandardSocketOptions;
import java.util.concurrent.CountDownLatch;

/**
 * Load tool (not a test): datagrams the sender's send path puts into the kernel on loopback,
 * against a native sendmmsg reference (benchmarks/native/sendmmsg_ref.c) run in the same
 * invocation, in alternating rounds (native before and after the Java runs).
 *
 * <p>Two figures per path. {@code pps}: datagrams per wall-clock second — what the goal names,
 * but on a shared 2-core machine it mostly measures how much CPU the scheduler gave each run.
 * {@code ppsPerCpu}: datagrams per CPU-second of the threads doing the work (user + system time,
 * and on loopback the system time includes the receive-side delivery done inside the syscall) —
 * the cost per datagram, stable under contention, and equal to pps on an idle machine where the
 * sending thread is the bottleneck. For the sender path the CPU of both threads (the submitting
 * thread and the Listener's event loop) is counted, so the ratio is conservative. The
 * {@code inline} rows submit on the Listener's own loops instead, as the egress API does in the
 * sender's default layout: no submitting thread and no hand-off to count.
 *
 * <p>What is counted: datagrams the kernel accepted — sendmmsg return values (native), outcomes
 * settled as Sent (sender: Netty's write promise succeeds only after the kernel took the
 * datagram), successful send() calls (JDK channel). The sink socket is bound and never read, so
 * every path pays the same loopback delivery (to a full queue, then dropped) and no reader
 * competes for the cores. /proc/net/snmp OutDatagrams is recorded as a cross-check.
 *
 * <p>The native reference sends batches of {@value #BATCH} (the sender path's batch per flush).
 * Once per round the native program also runs with its socket registered in an epoll set
 * ({@code nativeEpoll}, diagnostic, not the goal's reference): every event-loop socket is, and
 * on loopback the kernel then runs the epoll wake-up callback for each datagram sent, so that
 * run isolates how much of the sender's gap is the kernel's cost of the registration itself.
 *
 * <p>WireGuard rows (unless {@code BENCH_WG=0}): the same egress API path to a {@code wg} Listener
 * with a live session ({@link BenchWireGuardPeer}: the payload is the inner packet, sealed for
 * the peer), reported against the plain API path of the same round; and the inline path on a
 * {@code wg} Listener with one and with {@code BENCH_LOOPS} sockets, whose ratio is how sealing
 * scales with the Listener's loops.
 *
 * <p>usage: SenderSendBench &lt;native-binary&gt; [seconds-per-run] [rounds] [sizes,...]
 */
public final class SenderSendBench {
    private static final int BATCH = 256;
    private static final int IN_FLIGHT = 8;
    private static final ThreadMXBean THREADS =
            (ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** One measured run. */
    record Run(double pps, double ppsPerCpu, double bytesPerPacket, long snmpOut, double listenerCpuShare,
               double ppsPerSenderCpu) {
        Run(double pps, double ppsPerCpu, double bytesPerPacket, long snmpOut, double listenerCpuShare) {
            this(pps, ppsPerCpu, bytesPerPacket, snmpOut, listenerCpuShare, Double.NaN);
        }

        Run(double pps, double ppsPerCpu, double bytesPerPacket, long snmpOut) {
            this(pps, ppsPerCpu, bytesPerPacket, snmpOut, Double.NaN);
        }
    }

    /** BENCH_GSO=0: the sender sends datagram by datagram (no UDP segmentation), as the native reference does. */
    static final boolean SEGMENTATION = !"0".equals(System.getenv("BENCH_GSO"));

    public static void main(String[] args) throws Exception {
        String nativeBin = args[0];
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int[] sizes = args.length > 3 ? Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {200, 1420};
        boolean api = !"0".equals(System.getenv("BENCH_API"));
        // Loops (and native threads) of the multi-socket comparison; 0 or 1 skips it.
        int multi = Integer.parseInt(System.getenv().getOrDefault("BENCH_LOOPS", "2"));
        boolean wg = !"0".equals(System.getenv("BENCH_WG"));

        try (DatagramSocket sink = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress dest = new InetSocketAddress("127.0.0.1", sink.getLocalPort());
            Map<String, List<Double>> summary = new LinkedHashMap<>();
            for (int size : sizes) {
                // Warm-up: JIT the sender path and the JDK loop before measuring.
                senderPath(dest, size, 3, 1);
                senderPathInline(dest, size, 2, 1);
                if (multi > 1) senderPath(dest, size, 2, multi);
                if (multi > 1) senderPathInline(dest, size, 2, multi);
                jdkChannel(dest, size, 1);
                // The API path has far more code to compile (HTTP on both sides, HMAC, framing), and the
                // JIT is still busy with it long after the other paths settle (BENCHMARKS.md). Measure
                // the steady state a long-running sender is in, not its first half-minute.
                if (api) egressApi(dest, size, size == sizes[0] ? 25 : 5);
                if (wg) {
                    senderPathInline(dest, size, 2, 1, true);
                    if (multi > 1) senderPathInline(dest, size, 2, multi, true);
                    if (api) egressApi(dest, size, size == sizes[0] ? 10 : 5, true);
                }
                for (int r = 1; r <= rounds; r++) {
                    Run nat1 = runNative(nativeBin, dest, size, seconds);
                    Run snd = senderPath(dest, size, seconds, 1);
                    Run inl = senderPathInline(dest, size, seconds, 1);
                    Run natEp = runNative(nativeBin, dest, size, seconds, true);
                    Run jdk = jdkChannel(dest, size, seconds);
                    Run none = new Run(Double.NaN, Double.NaN, Double.NaN, 0);
                    Run bin = api ? egressApi(dest, size, seconds) : none;
                    Run wgApi = api && wg ? egressApi(dest, size, seconds, true) : none;
                    Run nat2 = runNative(nativeBin, dest, size, seconds);
                    // The same kernel work as the sender's segmented runs (all to one destination here).
                    int segs = SegmentRun.maxRun(size);
                    Run natGso = SEGMENTATION && segs > 1 ? runNative(nativeBin, dest, size, seconds, false, 1, segs) : none;
                    double natPps = (nat1.pps() + nat2.pps()) / 2;
                    double natCpu = (nat1.ppsPerCpu() + nat2.ppsPerCpu()) / 2;
                    System.out.printf(Locale.ROOT, "{\"size\":%d,\"round\":%d,"
                                    + "\"native\":{\"pps\":%.0f,\"ppsPerCpu\":%.0f},"
                                    + "\"nativeEpoll\":{\"pps\":%.0f,\"ppsPerCpu\":%.0f},"
                                    + "\"sender\":{\"pps\":%.0f,\"ppsPerCpu\":%.0f,\"snmpOutDatagrams\":%d,\"listenerThreadBytesPerPacket\":%.1f,\"listenerThreadCpuShare\":%.3f},"
                                    + "\"senderInline\":{\"pps\":%.0f,\"ppsPerCpu\":%.0f,\"snmpOutDatagrams\":%d},"
                                    + "\"jdkChannel\":{\"pps\":%.0f,\"ppsPerCpu\":%.0f},"
                                    + "\"egressApi\":{\"pps\":%.0f,\"ppsPerProcessCpu\":%.0f,\"ppsPerSenderCpu\":%.0f},"
                                    + "\"egressApiWg\":{\"pps\":%.0f,\"ppsPerProcessCpu\":%.0f,\"ppsPerSenderCpu\":%.0f},"
                                    + "\"ratios\":{\"senderPps\":%.3f,\"senderPerCpu\":%.3f,\"jdkPps\":%.3f,\"jdkPerCpu\":%.3f,"
                                    + "\"apiPps\":%.3f,\"apiPerCpu\":%.3f,\"apiPerSenderCpu\":%.3f,\"nativeEpollPerCpu\":%.3f,\"senderPerCpuVsNativeEpoll\":%.3f,"
                                    + "\"wgApiVsApiPps\":%.3f,\"wgApiVsApiPerCpu\":%.3f},"
                                    + "\"nativeGso\":{\"segments\":%d,\"pps\":%.0f,\"ppsPerCpu\":%.0f,\"inlinePerCpuRatio\":%.3f,\"apiPerCpuRatio\":%.3f}}%n",
                            size, r, natPps, natCpu, natEp.pps(), natEp.ppsPerCpu(), snd.pps(), snd.ppsPerCpu(), snd.snmpOut(), snd.bytesPerPacket(), snd.listenerCpuShare(),
                            inl.pps(), inl.ppsPerCpu(), inl.snmpOut(),
                            jdk.pps(), jdk.ppsPerCpu(), bin.pps(), bin.ppsPerCpu(), bin.ppsPerSenderCpu(),
                            wgApi.pps(), wgApi.ppsPerCpu(), wgApi.ppsPerSenderCpu(),
                            snd.pps() / natPps, snd.ppsPerCpu() / natCpu, jdk.pps() / natPps, jdk.ppsPerCpu() / natCpu,
                            bin.pps() / natPps, bin.ppsPerCpu() / natCpu, bin.ppsPerSenderCpu() / natCpu,
                            natEp.ppsPerCpu() / natCpu, snd.ppsPerCpu() / natEp.ppsPerCpu(),
                            wgApi.pps() / bin.pps(), wgApi.ppsPerCpu() / bin.ppsPerCpu(),
                            segs, natGso.pps(), natGso.ppsPerCpu(), inl.ppsPerCpu() / natGso.ppsPerCpu(),
                            bin.ppsPerCpu() / natGso.ppsPerCpu());
                    add(summary, size + " native pps", natPps);
                    add(summary, size + " native pps/cpu", natCpu);
                    add(summary, size + " sender pps", snd.pps());
                    add(summary, size + " sender pps/cpu", snd.ppsPerCpu());
                    add(summary, size + " ratio inline pps", inl.pps() / natPps);
                    add(summary, size + " ratio inline /cpu", inl.ppsPerCpu() / natCpu);
                    add(summary, size + " ratio sender pps", snd.pps() / natPps);
                    add(summary, size + " ratio sender /cpu", snd.ppsPerCpu() / natCpu);
                    add(summary, size + " ratio natEpoll /cpu", natEp.ppsPerCpu() / natCpu);
                    add(summary, size + " sender/natEpoll /cpu", snd.ppsPerCpu() / natEp.ppsPerCpu());
                    add(summary, size + " ratio jdk pps", jdk.pps() / natPps);
                    add(summary, size + " ratio jdk /cpu", jdk.ppsPerCpu() / natCpu);
                    if (api) {
                        add(summary, size + " ratio api pps", bin.pps() / natPps);
                        add(summary, size + " ratio api /cpu", bin.ppsPerCpu() / natCpu);
                        add(summary, size + " ratio api /sender cpu", bin.ppsPerSenderCpu() / natCpu);
                        // Packets per CPU-second of the whole process (clients included) and of the sender alone.
                        add(summary, size + " api pps/cpu", bin.ppsPerCpu());
                        add(summary, size + " api pps/sender cpu", bin.ppsPerSenderCpu());
                        if (wg) {
                            // WireGuard API path over the plain API path of this round.
                            add(summary, size + " ratio wg api pps", wgApi.pps() / bin.pps());
                            add(summary, size + " ratio wg api /cpu", wgApi.ppsPerCpu() / bin.ppsPerCpu());
                            add(summary, size + " wg api pps/cpu", wgApi.ppsPerCpu());
                            add(summary, size + " wg api pps/sender cpu", wgApi.ppsPerSenderCpu());
                        }
                    }
                    add(summary, size + " sender B/pkt", snd.bytesPerPacket());
                    if (natGso != none) {
                        // Like for like once the sender segments: native sendmmsg with UDP GSO runs.
                        add(summary, size + " native gso pps/cpu", natGso.ppsPerCpu());
                        add(summary, size + " ratio inline /gso cpu", inl.ppsPerCpu() / natGso.ppsPerCpu());
                        if (api) add(summary, size + " ratio api /gso cpu", bin.ppsPerCpu() / natGso.ppsPerCpu());
                    }
                    if (multi > 1) {
                        // Sender with N SO_REUSEPORT sockets on N loops vs. native with N threads,
                        // N sockets on one port; the mean of the two native runs around it.
                        Run m1 = runNative(nativeBin, dest, size, seconds, false, multi);
                        Run ms = senderPath(dest, size, seconds, multi);
                        Run mi = senderPathInline(dest, size, seconds, multi);
                        Run m2 = runNative(nativeBin, dest, size, seconds, false, multi);
                        double mPps = (m1.pps() + m2.pps()) / 2;
                        double mCpu = (m1.ppsPerCpu() + m2.ppsPerCpu()) / 2;
                        System.out.printf(Locale.ROOT, "{\"size\":%d,\"round\":%d,\"loops\":%d,"
                                        + "\"nativeThreads\":{\"pps\":%.0f,\"ppsPerCpu\":%.0f},"
                                        + "\"senderLoops\":{\"pps\":%.0f,\"ppsPerCpu\":%.0f},"
                                        + "\"senderLoopsInline\":{\"pps\":%.0f,\"ppsPerCpu\":%.0f},"
                                        + "\"ratios\":{\"multiPps\":%.3f,\"multiPerCpu\":%.3f,"
                                        + "\"nativeScaling\":%.3f,\"senderScaling\":%.3f}}%n",
                                size, r, multi, mPps, mCpu, ms.pps(), ms.ppsPerCpu(), mi.pps(), mi.ppsPerCpu(), ms.pps() / mPps,
                                ms.ppsPerCpu() / mCpu, mPps / natPps, ms.pps() / snd.pps());
                        add(summary, size + " ratio multi pps", ms.pps() / mPps);
                        add(summary, size + " ratio multi /cpu", ms.ppsPerCpu() / mCpu);
                        add(summary, size + " ratio multi inline pps", mi.pps() / mPps);
                        add(summary, size + " ratio multi inline /cpu", mi.ppsPerCpu() / mCpu);
                        add(summary, size + " native N/1 pps", mPps / natPps);
                        add(summary, size + " sender N/1 pps", ms.pps() / snd.pps());
                        add(summary, size + " inline N/1 pps", mi.pps() / inl.pps());
                        if (wg) {
                            // Sealing across a wg Listener's loops: N sockets over one, same round.
                            Run w1 = senderPathInline(dest, size, seconds, 1, true);
                            Run wn = senderPathInline(dest, size, seconds, multi, true);
                            System.out.printf(Locale.ROOT, "{\"size\":%d,\"round\":%d,\"loops\":%d,"
                                            + "\"wgInline1\":{\"pps\":%.0f,\"ppsPerCpu\":%.0f},"
                                            + "\"wgInlineN\":{\"pps\":%.0f,\"ppsPerCpu\":%.0f},"
                                            + "\"ratios\":{\"wgScaling\":%.3f,\"wgInlineVsInline\":%.3f}}%n",
                                    size, r, multi, w1.pps(), w1.ppsPerCpu(), wn.pps(), wn.ppsPerCpu(),
                                    wn.pps() / w1.pps(), w1.pps() / inl.pps());
                            add(summary, size + " wg N/1 pps", wn.pps() / w1.pps());
                            add(summary, size + " ratio wg inline pps", w1.pps() / inl.pps());
                        }
                    }
                }
            }
            System.out.println("# medians over rounds");
            summary.forEach((k, v) -> System.out.printf(Locale.ROOT, "# %-24s %.3f%n", k, median(v)));
        }
    }

    private static void add(Map<String, List<Double>> m, String k, double v) {
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static Run runNative(String bin, InetSocketAddress dest, int size, double seconds) throws Exception {
        return runNative(bin, dest, size, seconds, false);
    }

    private static Run runNative(String bin, InetSocketAddress dest, int size, double seconds, boolean epoll)
            throws Exception {
        return runNative(bin, dest, size, seconds, epoll, 1);
    }

    private static Run runNative(String bin, InetSocketAddress dest, int size, double seconds, boolean epoll,
                                 int threads) throws Exception {
        return runNative(bin, dest, size, seconds, epoll, threads, 1);
    }

    /** With {@code segments > 1}: that many datagrams per sendmmsg entry, in one UDP GSO send. */
    private static Run runNative(String bin, InetSocketAddress dest, int size, double seconds, boolean epoll,
                                 int threads, int segments) throws Exception {
        Process p = new ProcessBuilder(bin, "127.0.0.1", Integer.toString(dest.getPort()), Integer.toString(size),
                Double.toString(seconds), Integer.toString(BATCH), epoll ? "epoll" : "plain", Integer.toString(threads),
                Integer.toString(segments))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("native: " + out);
        JsonNode j = EgressJson.mapper().readTree(out);
        return new Run(j.get("pps").asDouble(), j.get("ppsPerCpu").asDouble(), 0, 0);
    }

    /**
     * The sender's send path: Outbound batches into a ListenerSocket, as EgressService does; with
     * {@code sockets > 1}, that many SO_REUSEPORT sockets on as many event loops. CPU: every
     * loop thread plus the submitting thread.
     */
    private static Run senderPath(InetSocketAddress dest, int size, double seconds, int sockets) throws Exception {
        EventLoopGroup group = Transport.best().newGroup(sockets, "bench-listener");
        ListenerSocket socket = benchSocket(group, sockets);
        byte[][] payloads = payloads(size);
        ArrayDeque<Outbound> inFlight = new ArrayDeque<>();
        long[] loops = loopThreads(group);
        long self = Thread.currentThread().getId();
        long loopCpu0 = loopCpu(loops);
        long selfCpu0 = THREADS.getThreadCpuTime(self);
        long loopAlloc0 = THREADS.getThreadAllocatedBytes(loops[0]);
        long snmp0 = outDatagrams();
        long sent = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            if (inFlight.size() >= IN_FLIGHT * sockets) sent += settle(inFlight.poll());
            Outbound o = new Outbound(BATCH);
            for (int i = 0; i < BATCH; i++) o.add(dest, null, payloads[i]);
            socket.submit(o);
            inFlight.add(o);
        }
        while (!inFlight.isEmpty()) sent += settle(inFlight.poll());
        double elapsed = (System.nanoTime() - start) / 1e9;
        double loopCpu = (loopCpu(loops) - loopCpu0) / 1e9;
        double cpu = loopCpu + (THREADS.getThreadCpuTime(self) - selfCpu0) / 1e9;
        // Per datagram of the first loop's share (all of them with one socket).
        double bytes = (THREADS.getThreadAllocatedBytes(loops[0]) - loopAlloc0) / (double) sent * sockets;
        long snmp = outDatagrams() - snmp0;
        socket.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        return new Run(sent / elapsed, sent / cpu, bytes, snmp, loopCpu / cpu);
    }

    /**
     * The send path as the egress API drives it when its connections share the Listener's loops
     * (the default layout, {@code Sender}): each batch is built and submitted on a socket's own
     * loop, so {@link ListenerSocket#submit} writes it inline, with no hand-off to another thread
     * and no wake-up. {@value #IN_FLIGHT} batches per loop stay queued. CPU: the loop threads,
     * which also build the batches.
     */
    private static Run senderPathInline(InetSocketAddress dest, int size, double seconds, int sockets)
            throws Exception {
        return senderPathInline(dest, size, seconds, sockets, false);
    }

    /**
     * With {@code wireGuard}, the Listener is {@code wg} with a live session to a
     * {@link BenchWireGuardPeer} and every payload is sealed for it; the peer's socket is then
     * where the datagrams go.
     */
    private static Run senderPathInline(InetSocketAddress sink, int size, double seconds, int sockets, boolean wireGuard)
            throws Exception {
        EventLoopGroup group = Transport.best().newGroup(sockets, "bench-listener");
        BenchWireGuardPeer wg = wireGuard ? new BenchWireGuardPeer() : null;
        SessionPublisher publisher = wireGuard ? new SessionPublisher(new InMemorySessionDirectory()) : null;
        ListenerSocket socket;
        if (wireGuard) {
            EngineWireGuardPort port = new EngineWireGuardPort(wg.listener("bench-wg"), "bench", publisher, Clock.systemUTC());
            socket = new ListenerSocket(wg.listener("bench-wg"), SenderConfig.DEFAULT_QUEUE_CAPACITY,
                    new SenderMetrics("bench-wg"), port, sockets);
            socket.udpSegmentation(SEGMENTATION);
            socket.bind(group, Transport.best());
            PeerKey peer = PeerKey.fromBase64(wg.peerKey());
            wg.handshake(socket.localAddress(), () -> port.engine().sessionInfo(peer, System.nanoTime()).isPresent());
        } else {
            socket = benchSocket(group, sockets);
        }
        InetSocketAddress dest = wireGuard ? wg.endpoint() : sink;
        String peerKey = wireGuard ? wg.peerKey() : null;
        byte[][] payloads = payloads(size);
        List<EventExecutor> loops = new ArrayList<>();
        group.forEach(loops::add);
        long[] ids = loopThreads(group);
        long[] sent = new long[sockets];
        CountDownLatch stopped = new CountDownLatch(sockets * IN_FLIGHT);
        long cpu0 = loopCpu(ids);
        long snmp0 = outDatagrams();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        for (int k = 0; k < sockets; k++) {
            int idx = k;
            EventExecutor loop = loops.get(k);
            Runnable[] pump = new Runnable[1];
            pump[0] = () -> {
                if (System.nanoTime() >= end) {
                    stopped.countDown();
                    return;
                }
                Outbound o = new Outbound(BATCH);
                for (int i = 0; i < BATCH; i++) o.add(dest, peerKey, payloads[i]);
                o.done().thenRun(() -> {
                    int ok = 0;
                    for (int i = 0; i < o.size(); i++) if (o.outcome(i) == null) ok++;
                    sent[idx] += ok; // once per batch: the loops' counters share a cache line
                    loop.execute(pump[0]); // a task, not recursion: the batch settled inside submit
                });
                socket.submit(o);
            };
            for (int f = 0; f < IN_FLIGHT; f++) loop.execute(pump[0]);
        }
        if (!stopped.await((long) seconds + 30, TimeUnit.SECONDS)) throw new IllegalStateException("pumps did not stop");
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpu = (loopCpu(ids) - cpu0) / 1e9;
        long total = Arrays.stream(sent).sum();
        long snmp = outDatagrams() - snmp0;
        socket.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (wg != null) {
            wg.close();
            publisher.close();
        }
        if (total == 0) throw new IllegalStateException("nothing sent on the inline path");
        return new Run(total / elapsed, total / cpu, 0, snmp, 1.0);
    }

    /** A plain UDP Listener of {@code sockets} SO_REUSEPORT sockets on {@code group}, bound to loopback. */
    private static ListenerSocket benchSocket(EventLoopGroup group, int sockets) throws InterruptedException {
        ListenerSocket socket = new ListenerSocket(ListenerConfig.udp("bench", "127.0.0.1", 0),
                SenderConfig.DEFAULT_QUEUE_CAPACITY, new SenderMetrics("bench"), null, sockets);
        socket.udpSegmentation(SEGMENTATION);
        socket.bind(group, Transport.best());
        return socket;
    }

    /** One batch of distinct payloads, as a real sender has. */
    private static byte[][] payloads(int size) {
        byte[][] payloads = new byte[BATCH][];
        for (int i = 0; i < BATCH; i++) {
            payloads[i] = new byte[size];
            Arrays.fill(payloads[i], (byte) i);
        }
        return payloads;
    }

    /** Thread ids of the group's loops, in iteration order (the order sockets were bound on them). */
    private static long[] loopThreads(EventLoopGroup group) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (EventExecutor e : group) ids.add(e.submit(() -> Thread.currentThread().getId()).get());
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long loopCpu(long[] threads) {
        long sum = 0;
        for (long id : threads) sum += THREADS.getThreadCpuTime(id);
        return sum;
    }

    private static int settle(Outbound o) throws Exception {
        o.done().get();
        int ok = 0;
        for (int i = 0; i < o.size(); i++) if (o.outcome(i) == null) ok++;
        return ok;
    }

    /** The plain JDK alternative: one DatagramChannel.send (one syscall) per datagram. */
    private static Run jdkChannel(InetSocketAddress dest, int size, double seconds) throws Exception {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            ByteBuffer buf = ByteBuffer.allocateDirect(size);
            long self = Thread.currentThread().getId();
            long cpu0 = THREADS.getThreadCpuTime(self);
            long sent = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            int n = 0;
            while (true) {
                buf.clear();
                if (ch.send(buf, dest) > 0 || size == 0) sent++;
                if ((++n & 63) == 0 && System.nanoTime() >= end) break;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpu = (THREADS.getThreadCpuTime(self) - cpu0) / 1e9;
            return new Run(sent / elapsed, sent / cpu, 0, 0);
        }
    }

    /**
     * End to end through the egress API as production runs it: the Egress Lambda's own client
     * ({@link HttpEgressTransport}: binary framing, HMAC, HTTP/1.1 keep-alive) posting
     * batches of {@code BENCH_API_PACKETS} packets (default 500, as the figures before; the
     * pipeline's Batch state makes at most 100) to a started {@link Sender} (Netty HTTP, verify,
     * parse, Listener socket), from {@code BENCH_API_CLIENTS} threads (default 2), each one Egress
     * call at a time. The client runs in this JVM and is encoded per call, so its CPU is counted
     * (whole-process CPU time, JIT and GC included), after {@code BENCH_API_SETTLE} seconds of
     * unmeasured traffic to the round's fresh sender. Also reported per CPU-second of the sender
     * alone (the process minus the client threads, whose CPU includes the kernel's loopback
     * delivery of what they write): what a sender task pays when its clients are Lambdas.
     */
    private static Run egressApi(InetSocketAddress dest, int size, double seconds) throws Exception {
        return egressApi(dest, size, seconds, false);
    }

    /**
     * With {@code wireGuard}, the same to a {@code wg} Listener that holds a live session with a
     * {@link BenchWireGuardPeer}: each payload is the inner packet, sealed by the sender for the
     * peer and sent to the session's endpoint (the peer's socket) instead of {@code dest}.
     */
    static Run egressApi(InetSocketAddress dest, int size, double seconds, boolean wireGuard) throws Exception {
        try (BenchWireGuardPeer wg = wireGuard ? new BenchWireGuardPeer() : null) {
            return egressApi(dest, size, seconds, wg);
        }
    }

    private static Run egressApi(InetSocketAddress dest, int size, double seconds, BenchWireGuardPeer wg) throws Exception {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 3);
        OperatingSystemMXBean os =
                (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Sender sender = Sender.builder(SenderConfig.builder().hmacKey(key)
                        .socketsPerListener(Integer.parseInt(System.getenv().getOrDefault("BENCH_API_SOCKETS", "0")))
                        .udpSegmentation(SEGMENTATION)
                        .listener(wg != null ? wg.listener("bench") : ListenerConfig.udp("bench", "127.0.0.1", 0)).build())
                .metricsOut(new PrintStream(new ByteArrayOutputStream())).start()) {
            List<EgressPacket> ps = new ArrayList<>();
            byte[] payload = new byte[size];
            int packets = Integer.parseInt(System.getenv().getOrDefault("BENCH_API_PACKETS", "500"));
            String peerKey = wg != null ? wg.peerKey() : null;
            int port = wg != null ? wg.endpoint().getPort() : dest.getPort();
            for (int i = 0; i < packets; i++) {
                ps.add(new EgressPacket("m/" + i, "127.0.0.1", port, peerKey, payload));
            }
            EgressRequest request = new EgressRequest("bench", ps);
            // BENCH_API_MAC=hmac_sha256: the signature form before Poly1305, for an A/B of the MAC alone.
            EgressMacScheme mac = EgressMacScheme.valueOf(System.getenv().getOrDefault("BENCH_API_MAC", "poly1305").toUpperCase(Locale.ROOT));
            HttpEgressTransport client = new HttpEgressTransport(new EgressSigner(null, key, new SecureRandom(), mac),
                    Clock.systemUTC(), Duration.ofSeconds(10));
            String endpoint = sender.egressUri().toString();
            if (wg != null) {
                EgressRequest probe = new EgressRequest("bench", ps.subList(0, 1));
                wg.handshake(sender.listenerAddress("bench"),
                        () -> client.post(endpoint, probe).results().get(0).reason() == null);
            }
            int threads = Integer.parseInt(System.getenv().getOrDefault("BENCH_API_CLIENTS", "2"));
            // The fresh sender's first seconds recompile what the previous round's other Listener
            // type left (a long-running sender has long settled): traffic, but not measured.
            post(client, endpoint, request, threads, API_SETTLE_SECONDS, os);
            long[] r = post(client, endpoint, request, threads, seconds, os);
            double elapsed = r[0] / 1e9;
            double cpu = r[1] / 1e9;
            double senderCpu = cpu - r[2] / 1e9;
            long total = r[3];
            if (total == 0) throw new IllegalStateException("no packet sent through the egress API");
            return new Run(total / elapsed, total / cpu, 0, 0, Double.NaN, total / senderCpu);
        }
    }

    /** Unmeasured traffic before each API run, seconds ({@code BENCH_API_SETTLE}, default 2). */
    private static final double API_SETTLE_SECONDS =
            Double.parseDouble(System.getenv().getOrDefault("BENCH_API_SETTLE", "2"));

    /** {@code threads} Egress clients posting for {@code seconds}: {elapsed ns, process CPU ns, clients' CPU ns, packets sent}. */
    private static long[] post(HttpEgressTransport client, String endpoint, EgressRequest request, int threads,
                               double seconds, OperatingSystemMXBean os) throws InterruptedException {
        long[] sent = new long[threads];
        long[] clientCpu = new long[threads];
        long[] busy = new long[threads];
        // A client that died would leave its CPU out and still count its packets: fail instead.
        AtomicReference<Throwable> died = new AtomicReference<>();
        long cpu0 = os.getProcessCpuTime();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int idx = t;
            Thread th = new Thread(() -> {
                long c0 = THREADS.getCurrentThreadCpuTime();
                while (System.nanoTime() < end) {
                    try {
                        sent[idx] += client.post(endpoint, request).results().stream()
                                .filter(x -> x.reason() == null).count();
                    } catch (SenderUnavailableException e) {
                        // Busy (503) is an answer Egress retries: its CPU counts, its packets do not.
                        busy[idx]++;
                    }
                }
                clientCpu[idx] = THREADS.getCurrentThreadCpuTime() - c0;
            });
            th.setUncaughtExceptionHandler((dead, e) -> died.compareAndSet(null, e));
            th.start();
            ts.add(th);
        }
        for (Thread th : ts) th.join();
        if (died.get() != null) throw new IllegalStateException("an egress API client died", died.get());
        long refused = Arrays.stream(busy).sum();
        if (refused > 0) System.out.printf("# egress API answered busy (503) to %d requests of this run%n", refused);
        return new long[] {System.nanoTime() - start, os.getProcessCpuTime() - cpu0, Arrays.stream(clientCpu).sum(),
                Arrays.stream(sent).sum()};
    }

    private static long outDatagrams() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                List<String> names = List.of(lines.get(i).split("\\s+"));
                String[] values = lines.get(i + 1).split("\\s+");
                return Long.parseLong(values[names.indexOf("OutDatagrams")]);
            }
        }
        return -1;
    }
}
