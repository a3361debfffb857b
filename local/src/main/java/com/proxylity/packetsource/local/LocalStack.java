package com.proxylity.packetsource.local;

import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.iam.LocalIam;
import com.proxylity.packetsource.local.sts.LocalStsServer;
import com.proxylity.packetsource.local.stepfunctions.BatchOutcome;
import com.proxylity.packetsource.local.stepfunctions.Pipeline;
import com.proxylity.packetsource.local.stepfunctions.QueuePoller;
import com.proxylity.packetsource.local.stepfunctions.RunnerStats;
import com.proxylity.packetsource.local.sns.LocalSnsServer;
import com.proxylity.packetsource.local.sns.TopicFanout;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import com.proxylity.packetsource.local.sqs.EmbeddedSqs;
import com.proxylity.packetsource.local.sqs.Sqs;
import com.proxylity.packetsource.local.sns.LocalSigningKey;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS message path on loopback: SNS endpoint → filtered fan-out → regional delivery queues
 * with DLQs (one ElasticMQ per region, so each queue's ARN names its own region) → one poller
 * per queue acting as the Pipe → the pipeline. What the pipeline calls (the stage handlers, the sender) is wired by {@link LocalMode}; this class
 * knows only the queues and the Pipe contract, so its failure semantics are testable alone.
 */
public final class LocalStack implements AutoCloseable {
    private final LocalConfig config;
    /** One SQS server per region, as each AWS region has its own SQS endpoint. */
    private final Map<String, EmbeddedSqs> embedded = new LinkedHashMap<>();
    private final Map<String, SqsClient> sqs = new LinkedHashMap<>();
    private final DeliveryQueues queues;
    private final TopicFanout fanout;
    private final LocalSnsServer sns;
    private final com.proxylity.packetsource.local.sns.OutcomeTopics outcomeTopics;
    private final LocalIam iam;
    private final LocalStsServer sts;
    private final RunnerStats runnerStats = new RunnerStats();
    private final List<QueuePoller> pollers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    private LocalStack(LocalConfig config, LocalSigningKey signingKey, Function<String, Pipeline> pipelineForRegion,
                       Consumer<BatchOutcome> outcomes) throws IOException {
        this.config = config;
        try {
            int i = 0;
            for (String region : config.regions()) {
                int port = config.ports().sqs() == 0 ? 0 : config.ports().sqs() + i++;
                EmbeddedSqs server = EmbeddedSqs.start(port, region);
                embedded.put(region, server);
                sqs.put(region, Sqs.client(server.endpoint(), region));
            }
            this.queues = DeliveryQueues.create(sqs, config.queues().visibilityTimeoutSeconds(),
                    config.queues().maxReceiveCount());
            Set<String> arns = new LinkedHashSet<>();
            config.allTopicNames().forEach(t -> arns.add(config.topicArn(t)));
            Set<String> preSubscribed = new LinkedHashSet<>();
            config.preSubscribedTopicNames().forEach(t -> preSubscribed.add(config.topicArn(t)));
            this.fanout = new TopicFanout(arns, preSubscribed, queues, Clock.systemUTC(), signingKey);
            this.iam = new LocalIam(roles(config), Clock.systemUTC());
            Map<String, Boolean> grants = new LinkedHashMap<>();
            config.outcomeTopics().forEach(o -> grants.put(config.topicArn(o.topic()), o.grantsPublisher()));
            this.outcomeTopics = new com.proxylity.packetsource.local.sns.OutcomeTopics(grants);
            this.sns = LocalSnsServer.start(config.ports().sns(), fanout, iam, outcomeTopics);
        } catch (IOException | RuntimeException e) {
            closeSqs();
            throw e;
        }
        try {
            this.sts = LocalStsServer.start(config.ports().sts(), iam);
        } catch (IOException | RuntimeException e) {
            sns.close();
            closeSqs();
            throw e;
        }
        for (DeliveryQueues.Pair q : queues.byRegion().values()) {
            QueuePoller p = new QueuePoller(sqs.get(q.region()), q.url(), q.arn(), q.region(), config.queues().batchSize(),
                    pipelineForRegion.apply(q.region()), runnerStats, outcomes);
            pollers.add(p);
            Thread t = new Thread(p, "pipe-" + q.region());
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    /**
     * @param outcomes told about every execution's output (local mode reads its counts from the
     *                 handlers' metrics instead; tests may look at the outputs)
     */
    public static LocalStack start(LocalConfig config, Function<String, Pipeline> pipelineForRegion, Consumer<BatchOutcome> outcomes) throws IOException {
        return new LocalStack(config, LocalSigningKey.generate(), pipelineForRegion, outcomes);
    }

    /** @param signingKey the local SNS signs every envelope with it; the pipeline's verifier trusts it */
    public static LocalStack start(LocalConfig config, LocalSigningKey signingKey, Function<String, Pipeline> pipelineForRegion,
                                   Consumer<BatchOutcome> outcomes) throws IOException {
        return new LocalStack(config, signingKey, pipelineForRegion, outcomes);
    }

    public LocalConfig config() { return config; }

    public URI snsEndpoint() { return sns.endpoint(); }

    /** The region's SQS endpoint: its delivery queue and DLQ are there, and only there. */
    public URI sqsEndpoint(String region) { return server(region).endpoint(); }

    private EmbeddedSqs server(String region) {
        EmbeddedSqs s = embedded.get(region);
        if (s == null) throw new IllegalArgumentException("region not configured: " + region);
        return s;
    }

    public URI stsEndpoint() { return sts.endpoint(); }

    private static List<LocalIam.Role> roles(LocalConfig config) {
        List<LocalIam.Role> out = new ArrayList<>();
        for (LocalConfig.RoleConfig r : config.roles()) {
            Set<String> topics = new LinkedHashSet<>();
            for (String t : r.topics()) topics.add(t.equals("*") ? "*" : config.topicArn(t));
            out.add(new LocalIam.Role(r.arn(), r.externalId(), Set.copyOf(r.actions()), topics));
        }
        return out;
    }

    /** A client of the region's SQS endpoint. */
    public SqsClient sqs(String region) { return queues.client(region); }

    public DeliveryQueues queues() { return queues; }

    public TopicFanout fanout() { return fanout; }

    /** The customers' outcome topics and what was published to them. */
    public com.proxylity.packetsource.local.sns.OutcomeTopics outcomeTopics() { return outcomeTopics; }

    public RunnerStats runnerStats() { return runnerStats; }

    @Override
    public void close() {
        pollers.forEach(QueuePoller::stop);
        sns.close();
        sts.close();
        for (Thread t : threads) {
            try {
                t.join(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeSqs();
    }

    private void closeSqs() {
        sqs.values().forEach(SqsClient::close);
        embedded.values().forEach(EmbeddedSqs::close);
    }
}
