package com.proxylity.packetsource.local.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.local.cmd.ReplayCommand;
import com.proxylity.packetsource.local.sns.Notification;
import com.proxylity.packetsource.local.sns.PublishEntry;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import com.proxylity.packetsource.local.sqs.EmbeddedSqs;
import com.proxylity.packetsource.local.sqs.Sqs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** {@code replay --max-age}: young messages go back to the delivery queue, old ones stay in the DLQ. */
class AgedReplayTest {
    @Test
    void onlyMessagesYoungerThanMaxAgeAreMoved() throws Exception {
        try (EmbeddedSqs e = EmbeddedSqs.start(0, "us-east-1"); SqsClient sqs = Sqs.client(e.endpoint(), "us-east-1")) {
            DeliveryQueues q = DeliveryQueues.create(sqs, List.of("us-east-1"), 30, 3);
            DeliveryQueues.Pair p = q.of("us-east-1");
            PublishEntry entry = new PublishEntry(null, "{\"Messages\":[]}", null, Map.of());
            com.proxylity.packetsource.local.sns.LocalSigningKey key = com.proxylity.packetsource.local.sns.LocalSigningKey.generate();
            key.bind(java.net.URI.create("http://x"));
            String old = Notification.envelope("old", "arn:aws:sns:us-east-1:000000000000:t", entry,
                    Instant.now().minus(Duration.ofDays(2)), "s", "http://x", key.signer());
            String young = Notification.envelope("young", "arn:aws:sns:us-east-1:000000000000:t", entry,
                    Instant.now().minus(Duration.ofMinutes(5)), "s", "http://x", key.signer());
            sqs.sendMessage(b -> b.queueUrl(p.dlqUrl()).messageBody(old));
            sqs.sendMessage(b -> b.queueUrl(p.dlqUrl()).messageBody(young));

            int rc = new CommandLine(new ReplayCommand()).execute("--endpoint", e.endpoint().toString(),
                    "--dlq-region", "us-east-1", "--max-age", "1h", "--rate", "100");
            assertEquals(0, rc);
            List<Message> back = sqs.receiveMessage(b -> b.queueUrl(p.url()).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            assertEquals(1, back.size());
            assertEquals(young, back.get(0).body(), "moved intact");
            assertEquals(1, q.depth(p.dlqUrl()), "the old one is still in the DLQ");
            // ... and visible again, so a plain replay or an operator's look right after sees it.
            List<Message> left = sqs.receiveMessage(b -> b.queueUrl(p.dlqUrl()).maxNumberOfMessages(10)).messages();
            assertEquals(1, left.size());
            assertEquals(old, left.get(0).body());
        }
    }
}
