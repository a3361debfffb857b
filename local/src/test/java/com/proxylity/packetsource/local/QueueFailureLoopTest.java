package com.proxylity.packetsource.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.local.cmd.ReplayCommand;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.stepfunctions.Pipeline;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import com.proxylity.packetsource.core.testing.Await;

/**
 * The queue half of the failure loop, with a stand-in pipeline whose "sender" can be down (the
 * real handlers are exercised by the local mode tests): a message whose executions keep failing
 * reaches the DLQ intact after maxReceiveCount receives; {@code replay} moves it back and it is
 * processed.
 */
class QueueFailureLoopTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static LocalConfig config() throws Exception {
        String yaml = """
            regions: [us-east-1]
            queues: {visibilityTimeoutSeconds: 1, maxReceiveCount: 2, batchSize: 10}
            listeners: [{name: l1, protocol: udp}]
            packetSources: [{topic: orders, listener: l1}]
            """;
        return LocalConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void failingMessageLandsInDlqIntactAndReplayBringsItBack() throws Exception {
        AtomicBoolean senderUp = new AtomicBoolean(false);
        List<String> processed = new CopyOnWriteArrayList<>();
        Pipeline pipeline = records -> {
            if (!senderUp.get()) throw new IllegalStateException("sender unreachable");
            for (JsonNode r : records) processed.add(JSON.readTree(r.get("body").asText()).get("Message").asText());
            return JSON.createObjectNode().putArray("batchItemFailures");
        };
        try (LocalStack stack = LocalStack.start(config(), region -> pipeline, o -> { });
             SnsClient sns = SnsClient.builder().endpointOverride(stack.snsEndpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(com.proxylity.packetsource.local.sqs.Sqs.dummyCredentials())
                     .httpClient(UrlConnectionHttpClient.create()).build()) {
            String body = "{\"Messages\":[{\"Data\":\"AQID\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":9}}]}";
            String messageId = sns.publish(b -> b.topicArn(stack.config().topicArn("orders")).message(body)
                    .messageAttributes(Map.of("EgressRegion", MessageAttributeValue.builder().dataType("String")
                            .stringValue("us-east-1").build()))).messageId();
            DeliveryQueues.Pair q = stack.queues().of("us-east-1");
            Await.until("the message is in the DLQ", () -> stack.queues().depth(q.dlqUrl()) > 0);
            assertEquals(1, stack.queues().depth(q.dlqUrl()), "message in the DLQ after maxReceiveCount failures");
            assertTrue(stack.runnerStats().failedExecutions.get() >= 2);
            assertTrue(processed.isEmpty());

            // Peek without consuming for long: the DLQ keeps the envelope exactly as SNS delivered it.
            Message dead = stack.sqs("us-east-1").receiveMessage(b -> b.queueUrl(q.dlqUrl()).visibilityTimeout(0)).messages().get(0);
            JsonNode env = JSON.readTree(dead.body());
            assertEquals(body, env.get("Message").asText());
            assertEquals(messageId, env.get("MessageId").asText());

            senderUp.set(true);
            int rc = new CommandLine(new ReplayCommand()).execute("--endpoint", stack.sqsEndpoint("us-east-1").toString(),
                    "--dlq-region", "us-east-1", "--rate", "10");
            assertEquals(0, rc);
            Await.until("the replayed message is processed", () -> !processed.isEmpty());
            assertEquals(List.of(body), processed);
            assertEquals(0, stack.queues().depth(q.dlqUrl()));
        }
    }
}
