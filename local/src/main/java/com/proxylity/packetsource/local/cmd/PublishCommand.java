package com.proxylity.packetsource.local.cmd;

import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.publish.MessageFiles;
import com.proxylity.packetsource.local.publish.PublishChecks;
import com.proxylity.packetsource.local.publish.Publisher;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code packet-source publish}: message files to the local stack or to a real SNS topic. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish message files with the AWS SDK v2 SnsClient.",
                "%n  Local: publish --endpoint URL --topic NAME --egress-region us-east-1 FILE..."
                        + "%n  AWS:   publish --topic-arn ARN --egress-region us-east-1 FILE...%n",
                "FILE is a bare message body, an SNS envelope, or an SQS event (test-events/ style). A message from an"
                        + " envelope keeps its MessageAttributes; --egress-region sets EgressRegion on every message (without"
                        + " it, a message lacking the attribute is published without it and SNS filters it).",
                "Warns about messages SNS would deliver to no queue: no EgressRegion, a misspelt attribute name, a region"
                        + " no delivery queue of the topic serves (when the caller may list the topic's subscriptions; else a"
                        + " name that is no AWS region)."})
public final class PublishCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static final class Target {
        @Option(names = "--topic", description = "Topic name on the local stack (needs --endpoint).")
        String topic;
        @Option(names = "--topic-arn", description = "Full topic ARN (local or real SNS).")
        String topicArn;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--endpoint", description = "Local SNS endpoint printed by 'packet-source local'. Absent: real SNS, default credentials.")
    URI endpoint;

    @Option(names = "--egress-region", paramLabel = "REGION",
            description = "The EgressRegion attribute of every message (overrides the envelope's).")
    String region;

    /** The old name, still accepted; in publish it only ever meant the attribute. */
    @Option(names = "--region", hidden = true)
    void region(String value) {
        region = value;
    }

    @Option(names = "--sns-region", defaultValue = "us-east-1",
            description = "Region in local topic ARNs built from --topic (the local config's snsRegion; default ${DEFAULT-VALUE}).")
    String snsRegion;

    @Option(names = "--batch", description = "Use PublishBatch (up to 10 messages and 256 KiB per call) instead of one Publish each.")
    boolean batch;

    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        String arn = target.topicArn;
        if (arn == null) {
            if (endpoint == null) {
                spec.commandLine().getErr().println("packet-source publish: --topic needs --endpoint (use --topic-arn for real SNS)");
                return 2;
            }
            arn = "arn:aws:sns:" + snsRegion + ":" + LocalConfig.ACCOUNT + ":" + target.topic;
        }
        String[] parts = arn.split(":");
        if (parts.length < 6 || !parts[2].equals("sns")) {
            spec.commandLine().getErr().println("packet-source publish: not an SNS topic ARN: " + arn);
            return 2;
        }
        List<MessageFiles.Outgoing> messages = new ArrayList<>();
        for (Path f : files) {
            List<MessageFiles.Outgoing> read = MessageFiles.read(f);
            if (read.isEmpty()) System.out.println(f + " skipped (no message in it, e.g. the test-events manifest)");
            messages.addAll(read);
        }
        try (Publisher p = new Publisher(endpoint, parts[3], arn)) {
            return publish(p, arn, messages);
        } catch (NotFoundException e) {
            throw new IllegalArgumentException("no topic " + arn + (endpoint == null ? "" : " at " + endpoint
                    + " (local mode prints its topics at start as 'topic'; --sns-region must be the config's snsRegion)"));
        } catch (SdkClientException e) {
            if (endpoint != null && EndpointDown.is(e)) throw EndpointDown.named("SNS endpoint", endpoint, "SNS endpoint");
            throw e;
        }
    }

    private int publish(Publisher p, String arn, List<MessageFiles.Outgoing> messages) {
        // SNS accepts these, then its subscription filters deliver them nowhere: say so before it happens.
        Set<String> known = new TreeSet<>();
        Region.regions().forEach(r -> known.add(r.id()));
        List<String> warnings = new ArrayList<>(PublishChecks.warnings(messages, region, p.servedRegions(), known));
        warnings.addAll(PublishChecks.contentWarnings(messages));
        for (String w : warnings) spec.commandLine().getErr().println("packet-source publish: warning: " + w);
        List<String> ids = batch ? p.publishBatch(messages, region) : p.publish(messages, region);
        for (int i = 0; i < ids.size(); i++) {
            System.out.println(messages.get(i).source() + "\t" + ids.get(i));
        }
        System.out.println("published " + ids.size() + " message(s) to " + arn);
        return 0;
    }
}
