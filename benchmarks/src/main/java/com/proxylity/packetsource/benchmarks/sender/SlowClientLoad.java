package com.proxylity.packetsource.benchmarks.sender;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressSigner;
import com.proxylity.packetsource.core.egressapi.SignedHeaders;
import com.proxylity.packetsource.sender.Sender;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.io.IOException;

/**
 * Load tool (not a test): latency of health checks and signed egress requests while slow
 * clients hold connections to the egress API (issue 9, defect 2), against the same figures
 * with no slow clients, measured in the same run on the same sender.
 *
 * <p>Loopback only, bounded: {@code slow} connections (half trickle header lines, half send
 * well-shaped but forged signature headers and then trickle a 100 kB body), each given one
 * byte every 200 ms and reopened when the server closes it, so the count stays up for the
 * whole phase; each phase lasts {@code seconds}, requests have a 15 s timeout, and the tool
 * stops by itself. Health checks open a new connection each (as a load balancer does); signed
 * requests (one 64 B datagram each) reuse one keep-alive connection (as the egress Lambda does).
 *
 * <pre>
 * mvn -q -B -ntp -pl benchmarks -am package -DskipTests dependency:build-classpath \
 *     -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *     com.proxylity.packetsource.benchmarks.sender.SlowClientLoad [slow=300] [seconds=15]
 * </pre>
 */
public final class SlowClientLoad {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    public static void main(String[] args) throws Exception {
        int slowCount = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        if (slowCount > 2000 || seconds > 120) throw new IllegalArgumentException("bounded: slow <= 2000, seconds <= 120");
        JsonLog.redirect(new PrintStream(OutputStream.nullOutputStream()));
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             Sender sender = Sender.builder(SenderConfig.builder().hmacKey(key)
                     .listener(ListenerConfig.udp("bench", "127.0.0.1", 0)).build())
                     .metricsOut(new PrintStream(OutputStream.nullOutputStream())).start()) {
            receiver.setSoTimeout(5000);
            Probe probe = new Probe(sender, receiver, new EgressSigner(key));
            System.out.printf("cores=%d, slow connections=%d, %d s per phase, load average before: %s%n",
                    Runtime.getRuntime().availableProcessors(), slowCount, seconds, loadAverage());
            probe.run(Math.min(3, seconds)); // warm-up (JIT, connection), not reported
            Result ref = probe.run(seconds);
            print("no slow connections (reference)", ref, null);
            SlowClients slow = new SlowClients(sender.egressPort(), slowCount);
            slow.start();
            try {
                Thread.sleep(500);
                Result loaded = probe.run(seconds);
                print(slowCount + " slow connections", loaded, ref);
                System.out.printf("slow connections held at the end: %d (reopened during the phase: %d)%n",
                        slow.open(), slow.reopened);
            } finally {
                slow.stop();
            }
            System.out.printf("load average after: %s%n", loadAverage());
        }
    }

    record Result(int healthCount, double healthP50, double healthP99, int signedCount, double signedP50,
                  double signedP99, int failures) {}

    static void print(String name, Result r, Result ref) {
        String ratio = ref == null ? "" : String.format("   (p99 x%.1f / x%.1f of reference)",
                r.healthP99 / ref.healthP99, r.signedP99 / ref.signedP99);
        System.out.printf("%-32s health n=%d p50 %.2f ms p99 %.2f ms | signed n=%d p50 %.2f ms p99 %.2f ms | failures %d%s%n",
                name, r.healthCount, r.healthP50, r.healthP99, r.signedCount, r.signedP50, r.signedP99, r.failures, ratio);
    }

    /** Alternates health checks and signed requests for a fixed time and records each latency. */
    static final class Probe {
        final Sender sender;
        final DatagramSocket receiver;
        final EgressSigner signer;
        final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

        Probe(Sender sender, DatagramSocket receiver, EgressSigner signer) {
            this.sender = sender;
            this.receiver = receiver;
            this.signer = signer;
        }

        Result run(int seconds) throws Exception {
            List<Double> health = new ArrayList<>();
            List<Double> signed = new ArrayList<>();
            int failures = 0;
            byte[] body = EgressJson.writeRequest(new EgressRequest("bench", List.of(
                    new EgressPacket("m/0", "127.0.0.1", receiver.getLocalPort(), null, new byte[64]))));
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end && health.size() < 5000) {
                long t0 = System.nanoTime();
                boolean ok = healthOnNewConnection();
                long t1 = System.nanoTime();
                if (ok) health.add((t1 - t0) / 1e6); else failures++;
                SignedHeaders h = signer.sign(body, System.currentTimeMillis());
                HttpRequest req = HttpRequest.newBuilder(sender.egressUri()).timeout(TIMEOUT)
                        .header("Content-Type", EgressApi.CONTENT_TYPE)
                        .header(EgressApi.HEADER_TIMESTAMP, h.timestamp())
                        .header(EgressApi.HEADER_NONCE, h.nonce())
                        .header(EgressApi.HEADER_SIGNATURE, h.signature())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                long t2 = System.nanoTime();
                try {
                    int status = http.send(req, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
                    long t3 = System.nanoTime();
                    if (status == 200) {
                        signed.add((t3 - t2) / 1e6);
                        receiver.receive(new DatagramPacket(new byte[128], 128));
                    } else {
                        failures++;
                    }
                } catch (IOException e) {
                    failures++;
                }
                Thread.sleep(10);
            }
            return new Result(health.size(), pct(health, 50), pct(health, 99), signed.size(), pct(signed, 50),
                    pct(signed, 99), failures);
        }

        private boolean healthOnNewConnection() {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", sender.egressPort()), (int) TIMEOUT.toMillis());
                s.setSoTimeout((int) TIMEOUT.toMillis());
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: sender\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                byte[] status = in.readNBytes(12);
                in.readAllBytes();
                return new String(status, StandardCharsets.US_ASCII).endsWith("200");
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** Keeps {@code count} trickling connections open until stopped. */
    static final class SlowClients {
        final int port;
        final Socket[] sockets;
        final AtomicBoolean stop = new AtomicBoolean();
        volatile int reopened;
        Thread thread;

        SlowClients(int port, int count) {
            this.port = port;
            this.sockets = new Socket[count];
        }

        void start() throws Exception {
            for (int i = 0; i < sockets.length; i++) sockets[i] = open(i);
            thread = new Thread(this::trickle, "slow-clients");
            thread.setDaemon(true);
            thread.start();
        }

        int open() {
            int n = 0;
            for (Socket s : sockets) if (s != null && !s.isClosed()) n++;
            return n;
        }

        void stop() throws Exception {
            stop.set(true);
            thread.join(5000);
            for (Socket s : sockets) if (s != null) s.close();
        }

        private Socket open(int i) throws IOException {
            Socket s = new Socket("127.0.0.1", port);
            String head;
            if (i % 2 == 0) {
                head = "POST /v1/egress HTTP/1.1\r\nHost: sender\r\n";
            } else {
                head = "POST /v1/egress HTTP/1.1\r\nHost: sender\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100000\r\n" + EgressApi.HEADER_TIMESTAMP + ": " + System.currentTimeMillis()
                        + "\r\n" + EgressApi.HEADER_NONCE + ": AAAAAAAAAAAAAAAAAAAAAA\r\n" + EgressApi.HEADER_SIGNATURE
                        + ": " + Base64.getEncoder().encodeToString(new byte[32]) + "\r\n\r\n{";
            }
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            return s;
        }

        private void trickle() {
            byte[] one = {'X'};
            while (!stop.get()) {
                for (int i = 0; i < sockets.length && !stop.get(); i++) {
                    try {
                        sockets[i].getOutputStream().write(one);
                    } catch (IOException closedByServer) {
                        try {
                            sockets[i].close();
                            sockets[i] = open(i);
                            reopened++;
                        } catch (IOException e) {
                            // refused (e.g. over the connection cap): try again next round
                        }
                    }
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    static double pct(List<Double> xs, int p) {
        if (xs.isEmpty()) return Double.NaN;
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a[Math.min(a.length - 1, (int) Math.ceil(p / 100.0 * a.length) - 1)];
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }
}
