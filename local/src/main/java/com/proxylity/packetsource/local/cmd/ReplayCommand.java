package com.proxylity.packetsource.local.cmd;

import com.proxylity.packetsource.local.replay.DlqReplay;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import com.proxylity.packetsource.local.sqs.Sqs;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code packet-source replay}: a DLQ's messages back to their delivery queue. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Move messages from a DLQ back to their delivery queue.",
                "Uses SQS StartMessageMoveTask, with a progress line and a final count. Works on the local stack (--endpoint) and on AWS.",
                "Max age is not a move option: entries older than the Packet Source's maxAge are discarded",
                "by the pipeline as Stale (the SNS Timestamp travels unchanged in the envelope)."})
public final class ReplayCommand implements Callable<Integer> {
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

    @Option(names = "--region", defaultValue = "us-east-1", description = "SDK region (default ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--rate", description = "At most N messages per second (MaxNumberOfMessagesPerSecond, 1-500).")
    Integer rate;

    @Option(names = "--destination-arn", description = "Move to this queue instead of each message's original source.")
    String destinationArn;

    @Override
    public Integer call() throws Exception {
        if (rate != null && (rate < 1 || rate > 500)) {
            System.err.println("replay: --rate must be 1..500");
            return 2;
        }
        try (SqsClient sqs = Sqs.client(endpoint, region)) {
            String url = source.queueUrl;
            if (url == null) {
                String name = source.dlqName != null ? source.dlqName : DeliveryQueues.dlqName(source.dlqRegion);
                url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
            }
            DlqReplay.Progress done = new DlqReplay(sqs).run(url, destinationArn, rate, Duration.ofMillis(500),
                    p -> System.out.print("\rreplay: " + p.status() + " moved " + p.moved()
                            + (p.toMove() > 0 ? " of " + p.toMove() : "") + "   "));
            System.out.println();
            System.out.println("replay: " + done.status() + ", " + done.moved() + " message(s) moved"
                    + (done.failureReason() == null ? "" : " (" + done.failureReason() + ")"));
            return done.status().equals("COMPLETED") ? 0 : 1;
        }
    }
}
