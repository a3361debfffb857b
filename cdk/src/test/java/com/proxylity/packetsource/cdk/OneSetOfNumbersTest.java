package com.proxylity.packetsource.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * The synthesized stack and local mode (without a queues section) run with the same numbers:
 * queue names, visibility timeout, maxReceiveCount, batch size, and Validate's state budget.
 */
class OneSetOfNumbersTest {
    @Test
    void templateAndLocalModeAgree() {
        LocalConfig local = new LocalConfig(List.copyOf(Synth.REGIONS), null, null, null, null, null, null, null, null, null);
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            String region = stack.getRegion();
            JsonNode queue = Templates.one(t, "AWS::SQS::Queue", "QueueName", DeliveryQueues.queueName(region)).get("Properties");
            Templates.one(t, "AWS::SQS::Queue", "QueueName", DeliveryQueues.dlqName(region));
            assertEquals(local.queues().visibilityTimeoutSeconds(), queue.get("VisibilityTimeout").asInt());
            assertEquals(local.queues().maxReceiveCount(), queue.at("/RedrivePolicy/maxReceiveCount").asInt());
            JsonNode pipe = Templates.resources(t, "AWS::Pipes::Pipe").get(0).getValue().get("Properties");
            assertEquals(local.queues().batchSize(), pipe.at("/SourceParameters/SqsQueueParameters/BatchSize").asInt());
            JsonNode validate = Templates.one(t, "AWS::Lambda::Function", "FunctionName", "packet-source-Validate");
            assertEquals(Integer.toString(local.queues().batchSize()),
                    validate.at("/Properties/Environment/Variables/PACKET_SOURCE_PIPE_BATCH_SIZE").asText(),
                    "Validate's state budget is cut for the Pipe's batch size");
        }
    }
}
