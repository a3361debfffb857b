package com.proxylity.packetsource.benchmarks.handlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.state.StageHandler;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The warm handlers timed per call in <b>thread CPU time</b>, alternating with the bare Jackson
 * parse of the same Pipe batch (the reference) in rounds, so that a machine whose load changes
 * during the run (a shared 2-core box) moves both alike. Wall-clock JMH on such a machine
 * measures mostly how much CPU the scheduler gave the thread; per-call CPU time is the cost a
 * Lambda with one vCPU pays. Egress is also reported in wall time: it waits for the sender
 * (real, in this JVM, other threads), and that wait is part of its Lambda duration.
 *
 * <p>Run: {@code AWS_LAMBDA_FUNCTION_NAME=bench java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
 * com.proxylity.packetsource.benchmarks.handlers.HandlerCpuTime [rounds=10] [callsPerRound=50]}
 */
public final class HandlerCpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final ObjectMapper PLAIN = new ObjectMapper();

    private HandlerCpuTime() {}

    private interface Call {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        if (System.getenv("AWS_LAMBDA_FUNCTION_NAME") == null) {
            throw new IllegalStateException("run with AWS_LAMBDA_FUNCTION_NAME set (EMF to stdout, as in Lambda)");
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try (LoopbackSender sender = new LoopbackSender()) {
            var listener = HandlerFixture.listener(sender.listenerPort(), sender.baseUrl());
            Map<String, StageHandler<?, ?>> handlers = HandlerFixture.handlers(listener, sender.hmacKey,
                    Environment.pipelineMetrics());
            out.printf("# warm per-call time, %d rounds x %d calls, %s, loadavg %s%n", rounds, perRound,
                    System.getProperty("java.version"), loadAverage());
            out.println("entries\tstate\tcpuMedianUs\tcpuP90Us\twallMedianUs\twallP99Us\tcpuRatioToReference(median)\tratioRange(per-round)");
            for (int entries : new int[] {1, 10, 100}) {
                byte[] pipeBatch = HandlerFixture.pipeBatch(entries, sender.sinkPort(), Instant.now());
                Map<String, byte[]> inputs = HandlerFixture.stateInputs(handlers, pipeBatch, HandlerFixture.RECORDS * entries);
                Map<String, Call> calls = new LinkedHashMap<>();
                calls.put("reference", () -> HandlerFixture.referenceParse(PLAIN, pipeBatch));
                for (String s : HandlerFixture.STATES) {
                    StageHandler<?, ?> h = handlers.get(s);
                    byte[] in = inputs.get(s);
                    calls.put(s, () -> h.handleJson(in));
                }
                int warm = entries >= 100 ? 150 : 1500;
                for (Call c : calls.values()) for (int i = 0; i < warm; i++) c.run();
                Map<String, List<long[]>> samples = new LinkedHashMap<>();
                Map<String, List<Double>> roundMedians = new LinkedHashMap<>();
                int n = entries >= 100 ? Math.max(5, perRound / 5) : perRound;
                for (int r = 0; r < rounds; r++) {
                    for (var e : calls.entrySet()) {
                        long[] cpu = new long[n];
                        for (int i = 0; i < n; i++) {
                            long c0 = THREADS.getCurrentThreadCpuTime();
                            long w0 = System.nanoTime();
                            e.getValue().run();
                            long w1 = System.nanoTime();
                            cpu[i] = THREADS.getCurrentThreadCpuTime() - c0;
                            samples.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new long[] {cpu[i], w1 - w0});
                        }
                        Arrays.sort(cpu);
                        roundMedians.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add((double) cpu[n / 2]);
                    }
                }
                double ref = pct(samples.get("reference"), 0, 0.5);
                for (var e : samples.entrySet()) {
                    List<Double> ratios = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        ratios.add(roundMedians.get(e.getKey()).get(r) / roundMedians.get("reference").get(r));
                    }
                    ratios.sort(null);
                    double cpuMed = pct(e.getValue(), 0, 0.5);
                    out.printf("%d\t%s\t%.0f\t%.0f\t%.0f\t%.0f\t%.2f\t%.2f-%.2f%n", entries, e.getKey(), cpuMed / 1e3,
                            pct(e.getValue(), 0, 0.9) / 1e3, pct(e.getValue(), 1, 0.5) / 1e3,
                            pct(e.getValue(), 1, 0.99) / 1e3, cpuMed / ref, ratios.get(0), ratios.get(ratios.size() - 1));
                }
            }
            out.printf("# loadavg at end %s%n", loadAverage());
        }
    }

    private static double pct(List<long[]> rows, int col, double q) {
        long[] v = rows.stream().mapToLong(r -> r[col]).sorted().toArray();
        return v[Math.min(v.length - 1, (int) Math.floor(q * v.length))];
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "n/a";
        }
    }
}
