package com.proxylity.packetsource.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.contract.MessageSchema;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.frame.InnerFrame;
import com.proxylity.packetsource.core.pipeline.FormatStage;
import com.proxylity.packetsource.core.pipeline.AdmitStage;
import com.proxylity.packetsource.core.pipeline.PurePipeline;
import com.proxylity.packetsource.core.pipeline.RateLimiter;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import com.proxylity.packetsource.core.pipeline.ValidateOutput;
import com.proxylity.packetsource.core.pipeline.ValidateStage;
import com.proxylity.packetsource.core.registry.InMemoryRegistry;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of the pure sequence (Validate, Admit, Format: {@link PurePipeline}) and of each step for one Pipe batch (10 SQS records of N entries,
 * 100-byte base64 UDP payloads), against the floor every implementation pays: parsing the same
 * envelope and body JSON with a plain Jackson ObjectMapper ({@link #referenceJacksonParse}).
 * Report the ratio stage/reference, measured in the same run.
 *
 * <p>Run: {@code mvn -q -B -ntp -pl benchmarks -am package -DskipTests} then
 * {@code java -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" org.openjdk.jmh.Main PurePipeline}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PurePipelineBenchmark {
    private static final String TOPIC = "arn:aws:sns:us-west-2:111122223333:bench";
    private static final ObjectMapper PLAIN = new ObjectMapper();

    @Param({"1", "10", "100"})
    int entriesPerRecord;

    List<SqsRecord> batch;
    ValidateStage validate;
    AdmitStage admit;
    FormatStage format;
    PurePipeline pipeline;
    ValidateOutput validated;
    byte[] framePayload;
    byte[] src4 = {10, 0, 0, 1};
    byte[] dst4 = {10, 0, 0, 2};

    @Setup
    public void setup() throws Exception {
        InMemoryRegistry registry = new InMemoryRegistry()
                .put(new Listener("udp", ListenerType.UDP, 5683, List.of(), null, null))
                .put(new PacketSource(TOPIC, "udp", true, null, 0, 0));
        validate = new ValidateStage(registry, "us-west-2", Clock.systemUTC(), new MessageSchema(),
                BenchSigning.verifier());
        format = new FormatStage(DefaultEgressPolicy.standard());
        // The share of a one-message batch: at the deployed share a 100-entry message is refused whole,
        // and the benchmark is about formatting every entry.
        admit = new AdmitStage(new StateBudget(1), RateLimiter.UNLIMITED);
        pipeline = new PurePipeline(validate, admit, format);
        byte[] payload = new byte[100];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) i;
        batch = new ArrayList<>();
        for (int r = 0; r < 10; r++) {
            ObjectNode body = PLAIN.createObjectNode();
            ArrayNode messages = body.putArray("Messages");
            for (int e = 0; e < entriesPerRecord; e++) {
                ObjectNode entry = messages.addObject().put("Data", Base64.getEncoder().encodeToString(payload))
                        .put("Formatter", "base64");
                entry.putObject("Remote").put("Address", "203.0.113." + (1 + e % 200)).put("Port", 5683).putNull("PeerKey");
                entry.putNull("Inner");
            }
            ObjectNode env = PLAIN.createObjectNode().put("Type", "Notification").put("MessageId", "m" + r)
                    .put("TopicArn", TOPIC).put("Message", PLAIN.writeValueAsString(body))
                    .put("Timestamp", "2026-11-25T08:00:00.000Z");
            env.putObject("MessageAttributes").putObject("EgressRegion").put("Type", "String").put("Value", "us-west-2");
            BenchSigning.sign(env);
            batch.add(new SqsRecord("sqs-" + r, PLAIN.writeValueAsString(env)));
        }
        validated = validate.validate(batch);
        framePayload = new byte[1392];
    }

    @Benchmark
    public void referenceJacksonParse(Blackhole bh) throws Exception {
        for (SqsRecord r : batch) {
            JsonNode env = PLAIN.readTree(r.body());
            bh.consume(PLAIN.readTree(env.get("Message").textValue()));
        }
    }

    @Benchmark
    public Object validate() {
        return validate.validate(batch);
    }

    @Benchmark
    public Object admit() {
        return admit.admit(validated);
    }

    @Benchmark
    public Object format() {
        return format.format(validated.entries());
    }

    @Benchmark
    public Object validateAdmitFormat() {
        return pipeline.run(batch);
    }

    /** Building a maximal IPv4 inner frame, against copying the same bytes (the floor). */
    @Benchmark
    public byte[] innerFrameIpv4() {
        return InnerFrame.build(src4, 53, dst4, 12345, framePayload);
    }

    @Benchmark
    public byte[] referenceCopy() {
        byte[] out = new byte[framePayload.length + 28];
        System.arraycopy(framePayload, 0, out, 28, framePayload.length);
        return out;
    }
}
