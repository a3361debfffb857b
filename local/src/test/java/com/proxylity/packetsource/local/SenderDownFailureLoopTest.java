package com.proxylity.packetsource.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.local.cmd.ReplayCommand;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import com.proxylity.packetsource.local.sqs.Sqs;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import com.proxylity.packetsource.core.testing.Await;

/**
 * The failure loop with the real parts: the sender's egress API is down, so Egress fails,
 * the state machine reports the record failed, SQS redelivers it and after maxReceiveCount
 * moves it to the DLQ intact; with the sender back, {@code replay} moves it and it arrives.
 */
class SenderDownFailureLoopTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sendersOutageEndsInTheDlqAndReplayDelivers() throws Exception {
        String yaml = """
            regions: [us-east-1]
            queues: {visibilityTimeoutSeconds: 1, maxReceiveCount: 2, batchSize: 10}
            listeners: [{name: udp1, protocol: udp}]
            packetSources: [{topic: orders, listener: udp1, formatter: utf8}]
            """;
        LocalConfig cfg = LocalConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        try (LocalMode local = LocalMode.start(cfg, WireGuardPorts.NONE, null);
             DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             SnsClient sns = SnsClient.builder().endpointOverride(local.stack().snsEndpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
            receiver.setSoTimeout(15_000);
            local.sender().stop();
            String body = "{\"Messages\":[{\"Data\":\"after the outage\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":"
                    + receiver.getLocalPort() + ",\"PeerKey\":null},\"Inner\":null}]}";
            String messageId = sns.publish(b -> b.topicArn(cfg.topicArn("orders")).message(body).messageAttributes(Map.of(
                    "EgressRegion", MessageAttributeValue.builder().dataType("String").stringValue("us-east-1").build()))).messageId();

            DeliveryQueues.Pair q = local.stack().queues().of("us-east-1");
            Await.until("the record is in the DLQ", () -> local.stack().queues().depth(q.dlqUrl()) > 0);
            assertEquals(1, local.stack().queues().depth(q.dlqUrl()), "in the DLQ after maxReceiveCount failed executions");
            assertTrue(local.stack().runnerStats().failed.get() >= 2);
            Message dead = local.stack().sqs("us-east-1").receiveMessage(b -> b.queueUrl(q.dlqUrl()).visibilityTimeout(0)).messages().get(0);
            assertEquals(body, JSON.readTree(dead.body()).get("Message").asText(), "kept intact");
            assertEquals(messageId, JSON.readTree(dead.body()).get("MessageId").asText());

            local.sender().start();
            int rc = new CommandLine(new ReplayCommand()).execute("--endpoint", local.stack().sqsEndpoint("us-east-1").toString(),
                    "--dlq", DeliveryQueues.dlqName("us-east-1"));
            assertEquals(0, rc);
            DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
            receiver.receive(p);
            assertArrayEquals("after the outage".getBytes(StandardCharsets.UTF_8), Arrays.copyOf(p.getData(), p.getLength()));
            assertEquals((int) local.sender().listenerPorts().get("udp1"), p.getPort());
            assertEquals(0, local.stack().queues().depth(q.dlqUrl()));
        }
    }
}
