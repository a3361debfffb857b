package com.proxylity.packetsource.cdk;

import com.proxylity.packetsource.core.contract.DiscardReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.HorizontalAnnotation;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.stepfunctions.StateMachine;

/**
 * Every alarm of docs/runbook.md (same names), to one SNS topic, and the dashboard. Pipeline
 * metrics come from the handlers' EMF (namespace {@value #NAMESPACE}); the rest are AWS's own.
 */
public final class Monitoring extends Construct {
    public static final String NAMESPACE = "PacketSource";
    /** The sender's EMF {@code Service} dimension. */
    public static final String SENDER_SERVICE = "packet-source-sender";
    private final Topic topic;
    private final List<Alarm> alarms = new ArrayList<>();

    /** What the alarms and the dashboard look at. */
    public record Targets(DeliveryQueue queues, String pipeName, StateMachine stateMachine,
                          List<PipelineFunction> functions, SenderService sender, List<ListenerSpec> listeners,
                          List<String> tableNames) {}

    public Monitoring(Construct scope, String id, DeploymentConfig config, Targets t) {
        super(scope, id);
        topic = Topic.Builder.create(this, "Alarms").topicName("packet-source-alarms").enforceSsl(true).build();
        if (config.alarmEmail() != null) topic.addSubscription(new EmailSubscription(config.alarmEmail()));

        Metric dlqDepth = t.queues().deadLetters().metricApproximateNumberOfMessagesVisible(max());
        alarm("DlqNotEmpty", "dlqnotempty", dlqDepth, 0, "Records failed maxReceiveCount times and wait intact in the DLQ");
        Metric oldest = t.queues().queue().metricApproximateAgeOfOldestMessage(max());
        alarm("DeliveryQueueOldestMessageAge", "deliveryqueueoldestmessageage", oldest, 300, "The oldest delivery queue message is older than 5 minutes");

        Map<String, String> pipe = Map.of("PipeName", t.pipeName());
        alarm("PipeExecutionFailed", "pipeexecutionfailed", metric("AWS/EventBridge/Pipes", "ExecutionFailed", pipe), 0,
                "The Pipe could not run a batch (the batch returns to the queue)");
        alarm("PipeTargetStageFailed", "pipetargetstagefailed", metric("AWS/EventBridge/Pipes", "TargetStageFailed", pipe), 0,
                "The state machine execution failed or the Pipe could not start it");
        alarm("PipeExecutionThrottled", "pipeexecutionthrottled", metric("AWS/EventBridge/Pipes", "ExecutionThrottled", pipe), 0,
                "The Pipe's executions were throttled: records wait in the queue");
        alarm("PipeExecutionTimeout", "pipeexecutiontimeout", metric("AWS/EventBridge/Pipes", "ExecutionTimeout", pipe), 0,
                "A Pipe execution timed out before the state machine answered (the batch returns to the queue)");
        alarm("StateMachineExecutionsThrottled", "statemachineexecutionsthrottled", t.stateMachine().metricThrottled(sum()), 0,
                "Step Functions throttled executions of the state machine: the Pipe retries the batch");
        alarm("StateMachineExecutionsFailed", "statemachineexecutionsfailed", t.stateMachine().metricFailed(sum()), 0,
                "Executions failed (PipelineFailed): the whole batch is retried");
        alarm("StateMachineExecutionsTimedOut", "statemachineexecutionstimedout", t.stateMachine().metricTimedOut(sum()), 0,
                "Executions ran past the state machine's timeout");
        for (PipelineFunction f : t.functions()) {
            String name = f.getNode().getId();
            alarm("Lambda-" + name + "-Errors", name.equals(ResourceProvider.HANDLER)
                    ? "lambda-packetsourceresource-errors" : "lambda-state-errors", f.function().metricErrors(sum()), 0, name + " threw (after its own handling)");
            alarm("Lambda-" + name + "-Throttles", "lambda-state-throttles", f.function().metricThrottles(sum()), 0, name + " was throttled");
        }
        for (DiscardReason reason : DiscardReason.values()) {
            if (reason == DiscardReason.BadSignature) {
                // SNS signs everything it delivers: any record that fails is a forgery attempt,
                // or SNS's certificate changed under us and every message is being dropped.
                alarm("Discards-" + reason.name(), "discards-reason",
                        metric(NAMESPACE, "PacketsDiscarded", Map.of("Reason", reason.name())),
                        0, "A record in the delivery queue was not an envelope signed by SNS");
                continue;
            }
            alarm("Discards-" + reason.name(), "discards-reason", metric(NAMESPACE, "PacketsDiscarded", Map.of("Reason", reason.name())),
                    config.discardAlarmThreshold(), "More than " + config.discardAlarmThreshold()
                            + " packets discarded as " + reason.name() + " in 5 minutes");
        }
        // Customers' outcome summaries are best effort: a failure never touches packets, but many
        // mean a customer's topic policy or topic changed (or SNS is failing) and they see nothing.
        alarm("OutcomePublishFailed", "outcomepublishfailed",
                metric(NAMESPACE, "OutcomePublishFailed", Map.of("Service", "packet-source")), config.discardAlarmThreshold(),
                "More than " + config.discardAlarmThreshold() + " outcome summaries could not be published to customers' topics in 5 minutes");
        for (String table : t.tableNames()) {
            // On-demand tables still throttle (a hot key, a sudden doubling of traffic); readers
            // then fail with TransientException and the records are retried.
            Map<String, String> dims = Map.of("TableName", table);
            alarm("DynamoDb-" + table + "-Throttles", "dynamodb-table-throttles", MathExpression.Builder.create()
                    .expression("FILL(r, 0) + FILL(w, 0)")
                    .usingMetrics(Map.of("r", metric("AWS/DynamoDB", "ReadThrottleEvents", dims),
                            "w", metric("AWS/DynamoDB", "WriteThrottleEvents", dims)))
                    .label(table + " throttle events").period(Duration.minutes(5)).build(), 0,
                    "Requests to " + table + " in this region were throttled");
        }
        for (ListenerSpec l : t.listeners()) {
            alarm("SentOutsideFlowWindow-" + l.name(), "sent-outside-the-flow-window",
                    metric(NAMESPACE, "SentOutsideFlowWindow", Map.of("Service", SENDER_SERVICE, "Listener", l.name())),
                    config.discardAlarmThreshold(), "More than " + config.discardAlarmThreshold() + " packets on Listener "
                            + l.name() + " went to remotes silent for over 120 s: most likely dropped");
        }
        for (ListenerSpec l : t.listeners()) {
            var group = t.sender().targetGroups().get(l.name());
            alarm("Sender-" + l.name() + "-UnhealthyHosts", "sender-listener-health", group.getMetrics().unHealthyHostCount(max()), 0,
                    "A sender task fails its health check on Listener " + l.name());
            Alarm noHealthy = Alarm.Builder.create(this, "Sender-" + l.name() + "-NoHealthyHost")
                    .alarmName("packet-source-Sender-" + l.name() + "-NoHealthyHost")
                    .alarmDescription(describe("No healthy sender behind Listener " + l.name() + ": nothing can be sent",
                            "sender-listener-health"))
                    .metric(group.getMetrics().healthyHostCount(min()))
                    .threshold(1).evaluationPeriods(2)
                    .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
                    .treatMissingData(TreatMissingData.BREACHING).build();
            register(noHealthy);
        }
        alarm("SenderCpuHigh", "sender-cpu-memory", t.sender().service().metricCpuUtilization(avg()), 80, "Sender CPU above 80 %");
        alarm("SenderMemoryHigh", "sender-cpu-memory", t.sender().service().metricMemoryUtilization(avg()), 80, "Sender memory above 80 %");

        dashboard(t, dlqDepth, oldest);
    }

    /** docs/latency.md's goals for publish to egress, drawn on the latency graph. */
    public static final int LATENCY_GOAL_P50_MS = 150;
    public static final int LATENCY_GOAL_P99_MS = 400;

    private void dashboard(Targets t, Metric dlqDepth, Metric oldest) {
        List<IMetric> discards = new ArrayList<>();
        for (DiscardReason r : DiscardReason.values()) {
            discards.add(metric(NAMESPACE, "PacketsDiscarded", Map.of("Reason", r.name())).with(label(r.name())));
        }
        List<IMetric> flowWindow = new ArrayList<>();
        for (ListenerSpec l : t.listeners()) {
            flowWindow.add(metric(NAMESPACE, "SentOutsideFlowWindow", Map.of("Service", SENDER_SERVICE, "Listener", l.name())));
        }
        // What left, by the sender's own count, beside what the pipeline says it delivered: after
        // retries they agree (docs/pipeline.md, "Delivery guarantee per failure").
        List<IMetric> whatLeft = new ArrayList<>(List.of(
                metric(NAMESPACE, "PacketsDelivered", Map.of("Service", "packet-source")).with(label("PacketsDelivered (pipeline)"))));
        List<IMetric> repeats = new ArrayList<>();
        for (ListenerSpec l : t.listeners()) {
            Map<String, String> dims = Map.of("Service", SENDER_SERVICE, "Listener", l.name());
            whatLeft.add(metric(NAMESPACE, "Sent", dims).with(label("Sent by the sender: " + l.name())));
            // How much of it left in segmented sends (UDP GSO, docs/sender.md): a drop to 0 with
            // traffic to one remote means the kernel refused them (log udp-segmentation-refused).
            whatLeft.add(metric(NAMESPACE, "SentSegmented", dims).with(label("of which in segmented sends: " + l.name())));
            repeats.add(metric(NAMESPACE, "RepeatsSuppressed", dims).with(label(l.name())));
        }
        Map<String, String> pipe = Map.of("PipeName", t.pipeName());
        List<IMetric> pipeOutcomes = new ArrayList<>();
        for (String m : List.of("Invocations", "ExecutionFailed", "ExecutionPartiallyFailed", "ExecutionThrottled",
                "ExecutionTimeout", "TargetStageFailed")) {
            pipeOutcomes.add(metric("AWS/EventBridge/Pipes", m, pipe).with(label(m)));
        }
        var sm = t.stateMachine();
        List<IMetric> executions = List.of(sm.metricStarted(sum()).with(label("started")),
                sm.metricSucceeded(sum()).with(label("succeeded")), sm.metricFailed(sum()).with(label("failed")),
                sm.metricTimedOut(sum()).with(label("timed out")), sm.metricThrottled(sum()).with(label("throttled")));
        List<IMetric> lambdaErrors = new ArrayList<>();
        List<IMetric> lambdaDurations = new ArrayList<>();
        for (PipelineFunction f : t.functions()) {
            String name = f.getNode().getId();
            lambdaErrors.add(f.function().metricErrors(sum()).with(label(name)));
            lambdaDurations.add(f.function().metricDuration(MetricOptions.builder()
                    .statistic("p99").period(Duration.minutes(5)).label(name + " p99").build()));
        }
        // UDP flows are what the NLB bills by (NLCU) and what keeps the fixed address working.
        Map<String, String> nlb = Map.of("LoadBalancer", t.sender().nlb().getLoadBalancerFullName());
        List<IMetric> flows = List.of(
                metric("AWS/NetworkELB", "ActiveFlowCount_UDP", nlb).with(statistic("Maximum", "active UDP flows")),
                metric("AWS/NetworkELB", "NewFlowCount_UDP", nlb).with(label("new UDP flows")));
        GraphWidget latency = GraphWidget.Builder.create().title("Publish to egress latency (p50, p99) and goals").width(12)
                .left(List.of(
                        metric(NAMESPACE, "PublishToEgressLatency", Map.of("Service", "packet-source")).with(statistic("p50", "p50")),
                        metric(NAMESPACE, "PublishToEgressLatency", Map.of("Service", "packet-source")).with(statistic("p99", "p99"))))
                .leftAnnotations(List.of(
                        HorizontalAnnotation.builder().value(LATENCY_GOAL_P50_MS).label("goal p50 (docs/latency.md)").build(),
                        HorizontalAnnotation.builder().value(LATENCY_GOAL_P99_MS).label("goal p99 (docs/latency.md)").build()))
                .build();
        Dashboard.Builder.create(this, "Dashboard").dashboardName("packet-source-" + Stack.of(this).getRegion())
                .widgets(List.of(
                        List.of(graph("Published vs delivered vs discarded", List.of(
                                metric(NAMESPACE, "PacketsReceived", Map.of("Service", "packet-source")),
                                metric(NAMESPACE, "PacketsDelivered", Map.of("Service", "packet-source")))),
                                graph("Discarded by reason", discards)),
                        List.of(latency,
                                graph("Delivery queue depth and age", List.of(
                                        t.queues().queue().metricApproximateNumberOfMessagesVisible(max()), oldest))),
                        List.of(graph("Pipe outcomes", pipeOutcomes), graph("State machine executions", executions)),
                        List.of(graph("Lambda errors", lambdaErrors), graph("Lambda duration (p99)", lambdaDurations)),
                        List.of(graph("DLQ depth", List.of(dlqDepth)),
                                graph("Sender health", List.of(t.sender().service().metricCpuUtilization(avg()),
                                        t.sender().service().metricMemoryUtilization(avg())))),
                        List.of(graph("NLB UDP flows", flows),
                                graph("Sent to a remote outside the 120 s flow window", flowWindow)),
                        List.of(graph("Delivered vs datagrams the sender sent", whatLeft),
                                graph("Repeated batches answered without sending (packets)", repeats)),
                        List.of(graph("Customers' outcome summaries", List.of(
                                metric(NAMESPACE, "OutcomeSummariesPublished", Map.of("Service", "packet-source")).with(label("published")),
                                metric(NAMESPACE, "OutcomeSummariesSuppressed", Map.of("Service", "packet-source")).with(label("suppressed (rate limit)")),
                                metric(NAMESPACE, "OutcomePublishFailed", Map.of("Service", "packet-source")).with(label("publish failed")))))))
                .build();
    }

    private static MetricOptions label(String label) {
        return MetricOptions.builder().label(label).build();
    }

    private static MetricOptions statistic(String statistic, String label) {
        return MetricOptions.builder().statistic(statistic).label(label).build();
    }

    private static GraphWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(12).build();
    }

    /**
     * The description ends with the runbook link: an explicit anchor ({@code <a id>}) of
     * docs/runbook.md, so renaming a heading never breaks it (StackTest checks every link).
     */
    static String describe(String text, String runbookAnchor) {
        return text + " (" + RUNBOOK + "#" + runbookAnchor + ")";
    }

    public static final String RUNBOOK = "docs/runbook.md";

    private void alarm(String name, String runbookAnchor, IMetric metric, double threshold, String description) {
        register(Alarm.Builder.create(this, name)
                .alarmName("packet-source-" + name)
                .alarmDescription(describe(description, runbookAnchor))
                .metric(metric)
                .threshold(threshold)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build());
    }

    private void register(Alarm a) {
        a.addAlarmAction(new SnsAction(topic));
        alarms.add(a);
    }

    private static Metric metric(String namespace, String name, Map<String, String> dimensions) {
        return Metric.Builder.create().namespace(namespace).metricName(name).dimensionsMap(dimensions)
                .statistic("Sum").period(Duration.minutes(5)).build();
    }

    private static MetricOptions sum() {
        return MetricOptions.builder().statistic("Sum").period(Duration.minutes(5)).build();
    }

    private static MetricOptions max() {
        return MetricOptions.builder().statistic("Maximum").period(Duration.minutes(1)).build();
    }

    private static MetricOptions min() {
        return MetricOptions.builder().statistic("Minimum").period(Duration.minutes(1)).build();
    }

    private static MetricOptions avg() {
        return MetricOptions.builder().statistic("Average").period(Duration.minutes(5)).build();
    }

    public Topic topic() {
        return topic;
    }

    public List<Alarm> alarms() {
        return alarms;
    }
}
