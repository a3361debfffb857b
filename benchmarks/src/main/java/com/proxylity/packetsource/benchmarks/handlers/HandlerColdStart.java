package com.proxylity.packetsource.benchmarks.handlers;

import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.state.StageHandler;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cold path of each Task-state handler — what a Lambda cold start pays and SnapStart saves —
 * against its warm invocation. For each state, a fresh JVM (the same {@code java}, default flags)
 * builds only that handler with its injected parts and calls {@link StageHandler#handleJson}
 * on the exact state input of a Pipe batch of 10 records × N entries. The child reports: JVM
 * start to {@code main} (RuntimeMXBean uptime), construction (class loading, static init, the
 * handler's parts), the first call, the second call, and the median of 200 calls after 2,000
 * more (warm, still in that JVM). The parent runs a real sender ({@link LoopbackSender}) that
 * stays warm across children, as the Fargate sender does, and repeats every state R times.
 *
 * <p>Not included: the Lambda runtime's own init (runtime interface client, fetching the code),
 * Powertools' logging wrapper, and a real DynamoDB/Secrets Manager client (in-memory registry and
 * sessions, the egress key passed in).
 *
 * <p>Run: {@code AWS_LAMBDA_FUNCTION_NAME=bench java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
 * com.proxylity.packetsource.benchmarks.handlers.HandlerColdStart [repeats=5] [entriesPerRecord=10]}; with the
 * single argument {@code sizes} it prints the byte size of each state's input for 1, 10 and 100 entries.
 */
public final class HandlerColdStart {
    private static final int WARM_CALLS = 2000;
    private static final int TIMED_CALLS = 200;

    private HandlerColdStart() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args);
            return;
        }
        if (args.length > 0 && args[0].equals("sizes")) {
            sizes();
            return;
        }
        if (System.getenv("AWS_LAMBDA_FUNCTION_NAME") == null) {
            throw new IllegalStateException("run with AWS_LAMBDA_FUNCTION_NAME set (EMF to stdout, as in Lambda)");
        }
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int entries = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        Path dir = Files.createTempDirectory("handler-cold");
        try (LoopbackSender sender = new LoopbackSender()) {
            var listener = HandlerFixture.listener(sender.listenerPort(), sender.baseUrl());
            var inputs = HandlerFixture.stateInputs(HandlerFixture.handlers(listener, sender.hmacKey,
                    Environment.pipelineMetrics()), HandlerFixture.pipeBatch(entries, sender.sinkPort(), Instant.now()),
                    HandlerFixture.RECORDS * entries);
            for (String s : HandlerFixture.STATES) Files.write(dir.resolve(s + ".json"), inputs.get(s));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("java.class.path");
            out.printf("# cold path, %d records x %d entries, %d repeats, %s, loadavg %s%n", HandlerFixture.RECORDS,
                    entries, repeats, System.getProperty("java.version"), loadAverage());
            out.println("state\trepeat\tprocessMs\tjvmToMainMs\tconstructMs\tfirstCallMs\tsecondCallMs\twarmMedianUs");
            Map<String, List<double[]>> all = new LinkedHashMap<>();
            for (int r = 0; r < repeats; r++) {
                for (String state : HandlerFixture.STATES) {
                    long t0 = System.nanoTime();
                    Process p = new ProcessBuilder(java, "-cp", cp, HandlerColdStart.class.getName(), "child", state,
                            dir.resolve(state + ".json").toString(), sender.baseUrl(),
                            Integer.toString(sender.listenerPort()), Base64.getEncoder().encodeToString(sender.hmacKey))
                            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                    String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    if (p.waitFor() != 0) throw new IllegalStateException(state + " child failed: " + line);
                    double processMs = (System.nanoTime() - t0) / 1e6;
                    String last = line.substring(line.lastIndexOf('\n') + 1);
                    double[] v = Arrays.stream(("" + processMs + " " + last).split(" ")).mapToDouble(Double::parseDouble).toArray();
                    all.computeIfAbsent(state, k -> new ArrayList<>()).add(v);
                    out.printf("%s\t%d\t%.0f\t%.0f\t%.1f\t%.1f\t%.2f\t%.0f%n", state, r, v[0], v[1], v[2], v[3], v[4], v[5]);
                }
            }
            out.println("# medians (min-max): state, constructMs, firstCallMs, construct+first / warm");
            for (var e : all.entrySet()) {
                double c = median(e.getValue(), 2), f = median(e.getValue(), 3), w = median(e.getValue(), 5);
                out.printf("%s\tconstruct %.1f (%.1f-%.1f)\tfirst %.1f (%.1f-%.1f)\tsecond %.2f\twarm %.0f us\tcold/warm %.0f%n",
                        e.getKey(), c, min(e.getValue(), 2), max(e.getValue(), 2), f, min(e.getValue(), 3),
                        max(e.getValue(), 3), median(e.getValue(), 4), w, (c + f) * 1000 / w);
            }
            out.printf("# jvmToMain median %.0f ms, loadavg at end %s%n", median(all.get("LookupSessions"), 1), loadAverage());
        }
    }

    /** In the fresh JVM: build one handler, time its first, second and warm calls. */
    private static void child(String[] a) throws Exception {
        double toMain = ManagementFactory.getRuntimeMXBean().getUptime();
        String state = a[1];
        byte[] input = Files.readAllBytes(Path.of(a[2]));
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        long t0 = System.nanoTime();
        StageHandler<?, ?> h = HandlerFixture.handler(state, HandlerFixture.listener(Integer.parseInt(a[4]), a[3]),
                Base64.getDecoder().decode(a[5]), Environment.pipelineMetrics());
        long t1 = System.nanoTime();
        h.handleJson(input);
        long t2 = System.nanoTime();
        h.handleJson(input);
        long t3 = System.nanoTime();
        for (int i = 0; i < WARM_CALLS; i++) h.handleJson(input);
        long[] timed = new long[TIMED_CALLS];
        for (int i = 0; i < TIMED_CALLS; i++) {
            long s = System.nanoTime();
            h.handleJson(input);
            timed[i] = System.nanoTime() - s;
        }
        Arrays.sort(timed);
        out.printf("%.0f %.3f %.3f %.3f %.1f%n", toMain, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6,
                timed[TIMED_CALLS / 2] / 1e3);
        out.flush();
    }

    /** Bytes of each state's input (what Step Functions passes to each Lambda), per batch shape. */
    private static void sizes() throws Exception {
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try (LoopbackSender sender = new LoopbackSender()) {
            var listener = HandlerFixture.listener(sender.listenerPort(), sender.baseUrl());
            out.println("entriesPerRecord\t" + String.join("\t", HandlerFixture.STATES) + "\tegressBatches");
            for (int entries : new int[] {1, 10, 100}) {
                var inputs = HandlerFixture.stateInputs(HandlerFixture.handlers(listener, sender.hmacKey,
                        Environment.pipelineMetrics()), HandlerFixture.pipeBatch(entries, sender.sinkPort(), Instant.now()),
                        HandlerFixture.RECORDS * entries);
                StringBuilder row = new StringBuilder().append(entries);
                for (String s : HandlerFixture.STATES) row.append('\t').append(inputs.get(s).length);
                row.append('\t').append(new String(inputs.get("Egress.count"), StandardCharsets.US_ASCII));
                out.println(row);
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static double median(List<double[]> rows, int col) {
        double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double min(List<double[]> rows, int col) {
        return rows.stream().mapToDouble(r -> r[col]).min().orElse(Double.NaN);
    }

    private static double max(List<double[]> rows, int col) {
        return rows.stream().mapToDouble(r -> r[col]).max().orElse(Double.NaN);
    }
}
