package com.proxylity.packetsource.benchmarks.sender;

import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressSigner;
import com.proxylity.packetsource.core.egressapi.SignedHeaders;
import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.sender.Sender;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import com.proxylity.packetsource.sender.net.ListenerSocket;
import com.proxylity.packetsource.sender.net.Outbound;
import com.proxylity.packetsource.sender.net.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Load tool (not a test): datagrams per second the sender's send path puts into the kernel on
 * loopback, against a native sendmmsg reference run in the same process tree, alternating
 * rounds so that machine noise hits both alike.
 *
 * <p>What is counted: datagrams the kernel accepted — sendmmsg return values for the native
 * program, settled-as-Sent outcomes for the sender (Netty's write promises succeed only after
 * the kernel took the datagram), successful send() calls for the JDK channel. The sink socket
 * is bound and never read, so every path pays the same loopback delivery (to a full receive
 * queue, then dropped) and no reader competes for the two cores. /proc/net/snmp OutDatagrams is
 * recorded as a cross-check.
 *
 * <p>The native reference sends batches of {@value #BATCH} (the sender path's batch per flush;
 * larger native batches were not faster here, smaller ones slower).
 *
 * <p>usage: SenderSendBench &lt;native-binary&gt; [seconds-per-run] [rounds] [sizes,...]
 */
public final class SenderSendBench {
    private static final int BATCH = 256;
    private static final int IN_FLIGHT = 8;

    public static void main(String[] args) throws Exception {
        String nativeBin = args[0];
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int[] sizes = args.length > 3 ? Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {200, 1420};
        boolean api = !"0".equals(System.getenv("BENCH_API"));

        try (DatagramSocket sink = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress dest = new InetSocketAddress("127.0.0.1", sink.getLocalPort());
            Map<String, List<Double>> summary = new LinkedHashMap<>();
            for (int size : sizes) {
                // Warm-up: JIT the sender path and the JDK loop before measuring.
                senderPath(dest, size, 3);
                jdkChannel(dest, size, 1);
                if (api) egressApi(dest, size, 2);
                for (int r = 1; r <= rounds; r++) {
                    double nat1 = runNative(nativeBin, dest, size, seconds);
                    long snmp0 = outDatagrams();
                    double snd = senderPath(dest, size, seconds);
                    long snmpSender = outDatagrams() - snmp0;
                    double jdk = jdkChannel(dest, size, seconds);
                    double http = api ? egressApi(dest, size, seconds) : Double.NaN;
                    // Native before and after the Java runs: drift of the shared machine hits both.
                    double nat = (nat1 + runNative(nativeBin, dest, size, seconds)) / 2;
                    System.out.printf(Locale.ROOT, "{\"size\":%d,\"round\":%d,\"nativeSendmmsgPps\":%.0f,\"senderPathPps\":%.0f,"
                                    + "\"senderSnmpOutDatagrams\":%d,\"jdkDatagramChannelPps\":%.0f,\"egressApiPps\":%.0f,"
                                    + "\"senderRatio\":%.3f,\"jdkRatio\":%.3f,\"egressApiRatio\":%.3f}%n",
                            size, r, nat, snd, snmpSender, jdk, http, snd / nat, jdk / nat, http / nat);
                    summary.computeIfAbsent(size + " sender", k -> new ArrayList<>()).add(snd / nat);
                    summary.computeIfAbsent(size + " jdk", k -> new ArrayList<>()).add(jdk / nat);
                    summary.computeIfAbsent(size + " native", k -> new ArrayList<>()).add(nat);
                    summary.computeIfAbsent(size + " senderPps", k -> new ArrayList<>()).add(snd);
                    if (api) summary.computeIfAbsent(size + " api", k -> new ArrayList<>()).add(http / nat);
                }
            }
            System.out.println("# medians over rounds");
            summary.forEach((k, v) -> System.out.printf(Locale.ROOT, "# %-16s %.3f%n", k, median(v)));
        }
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static double runNative(String bin, InetSocketAddress dest, int size, double seconds) throws Exception {
        Process p = new ProcessBuilder(bin, "127.0.0.1", Integer.toString(dest.getPort()), Integer.toString(size),
                Double.toString(seconds), Integer.toString(BATCH)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("native: " + out);
        return EgressJson.mapper().readTree(out).get("pps").asDouble();
    }

    /** The sender's send path: Outbound batches into a ListenerSocket, as EgressService does. */
    private static double senderPath(InetSocketAddress dest, int size, double seconds) throws Exception {
        Transport t = Transport.best();
        EventLoopGroup group = t.newGroup(1, "bench-listener");
        ListenerSocket socket = new ListenerSocket(ListenerConfig.udp("bench", "127.0.0.1", 0),
                SenderConfig.DEFAULT_QUEUE_CAPACITY, new SenderMetrics("bench"), null);
        socket.bind(group, t);
        byte[][] payloads = new byte[BATCH][];
        for (int i = 0; i < BATCH; i++) {
            payloads[i] = new byte[size];
            Arrays.fill(payloads[i], (byte) i);
        }
        ArrayDeque<Outbound> inFlight = new ArrayDeque<>();
        long sent = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            if (inFlight.size() >= IN_FLIGHT) sent += settle(inFlight.poll());
            Outbound o = new Outbound(BATCH);
            for (int i = 0; i < BATCH; i++) o.add(dest, null, payloads[i]);
            socket.submit(o);
            inFlight.add(o);
        }
        while (!inFlight.isEmpty()) sent += settle(inFlight.poll());
        double elapsed = (System.nanoTime() - start) / 1e9;
        socket.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        return sent / elapsed;
    }

    private static int settle(Outbound o) throws Exception {
        o.done().get();
        int ok = 0;
        for (int i = 0; i < o.size(); i++) if (o.outcome(i) == null) ok++;
        return ok;
    }

    /** The plain JDK alternative: one DatagramChannel.send (one syscall) per datagram. */
    private static double jdkChannel(InetSocketAddress dest, int size, double seconds) throws Exception {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
            ByteBuffer buf = ByteBuffer.allocateDirect(size);
            long sent = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            int n = 0;
            while (true) {
                buf.clear();
                if (ch.send(buf, dest) > 0 || size == 0) sent++;
                if ((++n & 63) == 0 && System.nanoTime() >= end) break;
            }
            return sent / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** End to end through the egress API (JSON + HMAC + HTTP, client in this JVM too). */
    private static double egressApi(InetSocketAddress dest, int size, double seconds) throws Exception {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 3);
        int perRequest = 500;
        try (Sender sender = Sender.builder(SenderConfig.builder().hmacKey(key)
                        .listener(ListenerConfig.udp("bench", "127.0.0.1", 0)).build())
                .metricsOut(new PrintStream(new ByteArrayOutputStream())).start()) {
            List<EgressPacket> ps = new ArrayList<>();
            byte[] payload = new byte[size];
            for (int i = 0; i < perRequest; i++) {
                ps.add(new EgressPacket("m/" + i, "127.0.0.1", dest.getPort(), null, payload));
            }
            byte[] body = EgressJson.writeRequest(new EgressRequest("bench", ps));
            EgressSigner signer = new EgressSigner(key);
            HttpClient http = HttpClient.newHttpClient();
            URI uri = sender.egressUri();
            int threads = 2;
            long[] sent = new long[threads];
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int idx = t;
                Thread th = new Thread(() -> {
                    try {
                        while (System.nanoTime() < end) {
                            SignedHeaders h = signer.sign(body, System.currentTimeMillis());
                            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri)
                                    .header(EgressApi.HEADER_TIMESTAMP, h.timestamp())
                                    .header(EgressApi.HEADER_NONCE, h.nonce())
                                    .header(EgressApi.HEADER_SIGNATURE, h.signature())
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
                            if (r.statusCode() != 200) throw new IllegalStateException("status " + r.statusCode());
                            sent[idx] += EgressJson.readResponse(r.body()).results().stream()
                                    .filter(x -> x.reason() == null).count();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                th.start();
                ts.add(th);
            }
            for (Thread th : ts) th.join();
            return Arrays.stream(sent).sum() / ((System.nanoTime() - start) / 1e9);
        }
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
