package com.proxylity.packetsource.local.cmd;

import com.proxylity.packetsource.local.replay.AgedReplay;
import com.proxylity.packetsource.local.replay.DlqReplay;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import com.proxylity.packetsource.local.sqs.Sqs;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import java.time.Clock;
import java.util.Locale;

/** {@code packet-source replay}: a DLQ's messages back to their delivery queue. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Move messages from a DLQ back to their delivery queue.",
                "Uses SQS StartMessageMoveTask, with a progress line and a final count. Works on the local stack"
                        + " (--endpoint) and on AWS.",
                "Max age: the pipeline discards entries older than the Packet Source's maxAge as Stale (the SNS Timestamp"
                        + " travels unchanged); --max-age also keeps older messages out of the replay."})
public final class ReplayCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static final class Source {
        @Option(names = "--queue-url", description = "URL of the DLQ.")
        String queueUrl;
        @Option(names = "--dlq", description = "DLQ name, e.g. packet-source-delivery-us-east-1-dlq.")
        String dlqName;
        @Option(names = "--dlq-region", description = "Region whose delivery DLQ to replay (packet-source-delivery-<R>-dlq).")
        String dlqRegion;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--endpoint", description = "SQS endpoint of the local stack. Absent: AWS with default credentials.")
    URI endpoint;

    @Option(names = "--sdk-region", paramLabel = "REGION",
            description = "The region the SQS client talks to (default: the --dlq-region, else us-east-1).")
    String region;

    /** The old name, still accepted; in replay it only ever meant the SDK's region. */
    @Option(names = "--region", hidden = true)
    void region(String value) {
        region = value;
    }

    @Option(names = "--rate", description = "At most N messages per second (MaxNumberOfMessagesPerSecond, 1-500).")
    Integer rate;

    @Option(names = "--destination-arn", description = "Move to this queue instead of each message's original source.")
    String destinationArn;

    @Option(names = "--max-age", description = "Move only messages whose SNS Timestamp is younger than this (ISO-8601 duration, e.g. PT15M, or"
            + " 90s/15m/2h); older ones stay in the DLQ and are counted. Moves the messages itself (receive, send, delete)"
            + " instead of a move task; the destination is the delivery queue named like the DLQ without -dlq, or"
            + " --destination-url.")
    String maxAge;

    @Option(names = "--destination-url", description = "With --max-age: the queue to move to.")
    String destinationUrl;

    @Override
    public Integer call() throws Exception {
        if (rate != null && (rate < 1 || rate > 500)) {
            spec.commandLine().getErr().println("packet-source replay: --rate must be 1..500");
            return 2;
        }
        // A region's DLQ is only on that region's endpoint, on AWS and locally alike.
        String sdkRegion = region != null ? region : source.dlqRegion != null ? source.dlqRegion : "us-east-1";
        try (SqsClient sqs = Sqs.client(endpoint, sdkRegion)) {
            String url = source.queueUrl;
            if (url == null) {
                String name = source.dlqName != null ? source.dlqName : DeliveryQueues.dlqName(source.dlqRegion);
                try {
                    url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
                } catch (SdkClientException e) {
                    if (endpoint != null && EndpointDown.is(e)) throw EndpointDown.named("SQS endpoint", endpoint, "SQS endpoint");
                    throw e;
                } catch (QueueDoesNotExistException e) {
                    throw new IllegalArgumentException("no queue " + name + " " + (endpoint != null ? "at " + endpoint
                            + " (local mode: each region's DLQ is on that region's own SQS endpoint; its 'Replay:' lines name them)"
                            : "in " + sdkRegion + " (--sdk-region picks the region; default the --dlq-region)"));
                }
            }
            if (maxAge != null) return aged(sqs, url);
            DlqReplay.Progress done = new DlqReplay(sqs).run(url, destinationArn, rate, Duration.ofMillis(500),
                    p -> System.out.print("\rreplay: " + p.status() + " moved " + p.moved()
                            + (p.toMove() > 0 ? " of " + p.toMove() : "") + "   "));
            System.out.println();
            System.out.println("replay: " + done.status() + ", " + done.moved() + " message(s) moved"
                    + (done.failureReason() == null ? "" : " (" + done.failureReason() + ")"));
            return done.status().equals("COMPLETED") ? 0 : 1;
        }
    }

    private int aged(SqsClient sqs, String dlqUrl) throws InterruptedException {
        Duration age = parseDuration(maxAge);
        String dest = destinationUrl;
        if (dest == null) {
            if (!dlqUrl.endsWith(DeliveryQueues.DLQ_SUFFIX)) {
                spec.commandLine().getErr().println("packet-source replay: --max-age needs --destination-url for a DLQ not named <queue>-dlq");
                return 2;
            }
            dest = dlqUrl.substring(0, dlqUrl.length() - DeliveryQueues.DLQ_SUFFIX.length());
        }
        AgedReplay.Counts c = new AgedReplay(sqs, Clock.systemUTC()).run(dlqUrl, dest, age, rate,
                p -> System.out.print("\rreplay: moved " + p.moved() + ", older than " + maxAge + ": " + p.tooOld() + "   "));
        System.out.println();
        System.out.println("replay: COMPLETED, " + c.moved() + " message(s) moved, " + c.tooOld()
                + " older than " + maxAge + " left in the DLQ");
        return 0;
    }

    static Duration parseDuration(String text) {
        String t = text.trim();
        if (t.toUpperCase(Locale.ROOT).startsWith("P")) return Duration.parse(t);
        if (!t.matches("\\d+[smhd]")) throw new IllegalArgumentException("--max-age: use e.g. 90s, 15m, 2h, 1d or PT15M");
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
