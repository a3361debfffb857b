package com.proxylity.packetsource.benchmarks.handlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.functions.state.StageHandler;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Warm cost of each Task-state handler for one Pipe batch of 10 SQS records × N entries, as Lambda
 * runs it per invocation: {@link StageHandler#handleJson} (read the state input with the
 * handlers' mapper, run the stage, write the state output), on the exact input the state gets
 * in AWS ({@link HandlerFixture#stateInputs}). Reference in the same run:
 * {@link #referenceJacksonParse}, a bare Jackson parse of the same Pipe batch (array, each SNS
 * envelope, each message body) — the floor any implementation pays. Report handler / reference.
 *
 * <p>Egress posts one egress batch (≤ 100 packets; the 100-entry case runs 10 of them in the
 * Map) to the real sender in this JVM ({@link LoopbackSender}) over a kept-alive HTTP connection
 * and waits for its per-packet answers, so it includes the sender's parse, signature check and
 * send. Metrics are the real Powertools EMF lines, written to a null stdout; log4j has no
 * configuration here (ERROR only), so the handlers' one INFO line per call is not paid.
 *
 * <p>Warm-up is 8 × 2 s: with 5 × 1 s on a loaded 2-core machine the handlers were still
 * getting faster in the measured iterations (the JIT threads compete for the cores).
 *
 * <p>Run: {@code mvn -q -B -ntp -pl benchmarks -am package -DskipTests} then
 * {@code AWS_LAMBDA_FUNCTION_NAME=bench java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main HandlerBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class HandlerBenchmark {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    @Param({"1", "10", "100"})
    int entriesPerRecord;

    LoopbackSender sender;
    Map<String, StageHandler<?, ?>> handlers;
    Map<String, byte[]> inputs;
    byte[] pipeBatch;
    StageHandler<?, ?> validate, lookupSessions, egress, reportFailures;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        if (System.getenv("AWS_LAMBDA_FUNCTION_NAME") == null) {
            // Without it the EMF library is not in its Lambda mode and ships metrics to a
            // CloudWatch agent on TCP 25888 (with retries and sleeps) instead of stdout.
            throw new IllegalStateException("run with AWS_LAMBDA_FUNCTION_NAME set (any value), as the tests do");
        }
        // EMF lines go to stdout in Lambda; here they are built and written, then dropped.
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        sender = new LoopbackSender();
        handlers = HandlerFixture.handlers(HandlerFixture.listener(sender.listenerPort(), sender.baseUrl()),
                sender.hmacKey, Environment.pipelineMetrics());
        // Fresh timestamps: Validate's max-age check sees a just-published message.
        pipeBatch = HandlerFixture.pipeBatch(entriesPerRecord, sender.sinkPort(), Instant.now());
        inputs = HandlerFixture.stateInputs(handlers, pipeBatch, HandlerFixture.RECORDS * entriesPerRecord);
        validate = handlers.get("Validate");
        lookupSessions = handlers.get("LookupSessions");
        egress = handlers.get("Egress");
        reportFailures = handlers.get("ReportFailures");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sender.close();
    }

    @Benchmark
    public int referenceJacksonParse() throws Exception {
        return HandlerFixture.referenceParse(PLAIN, pipeBatch);
    }

    @Benchmark
    public byte[] validate() {
        return validate.handleJson(inputs.get("Validate"));
    }

    @Benchmark
    public byte[] lookupSessions() {
        return lookupSessions.handleJson(inputs.get("LookupSessions"));
    }

    /** One Map iteration: one egress batch (≤ 100 packets) to the real sender and back. */
    @Benchmark
    public byte[] egress() {
        return egress.handleJson(inputs.get("Egress"));
    }

    @Benchmark
    public byte[] reportFailures() {
        return reportFailures.handleJson(inputs.get("ReportFailures"));
    }
}
