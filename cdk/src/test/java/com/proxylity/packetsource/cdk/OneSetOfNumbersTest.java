package com.proxylity.packetsource.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * The synthesized stack (from the checked-in cdk/cdk.json, as {@code cdk deploy} reads it) and
 * local mode (without a queues section) run with the same numbers: queue names, visibility
 * timeout, maxReceiveCount, batch size, batching window, and Validate's state budget; and the
 * numbers docs/latency.md and docs/cost.md assume are the ones in {@code DeploymentNumbers}.
 */
class OneSetOfNumbersTest {
    /** The comparison reads what operators deploy: every number cdk.json sets is the one the code and docs use. */
    @Test
    void theCheckedInConfigurationSaysWhatDeploymentNumbersSay() throws Exception {
        Map<String, Object> checkedIn = Synth.context(Map.of());
        Map<String, Integer> expected = Map.of("pipeBatchSize", DeploymentNumbers.PIPE_BATCH_SIZE,
                "pipeBatchingWindowSeconds", DeploymentNumbers.PIPE_BATCHING_WINDOW_SECONDS, "senderTasks", 2,
                "discardAlarmThreshold", DeploymentConfig.DEFAULT_DISCARD_ALARM_THRESHOLD);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            Object v = checkedIn.get(e.getKey());
            if (v != null) assertEquals(e.getValue().intValue(), ((Number) v).intValue(), "cdk.json " + e.getKey());
        }
        assertTrue(!checkedIn.containsKey("validateConcurrency") || ((Number) checkedIn.get("validateConcurrency")).intValue() == 0,
                "a new account cannot reserve: docs/deployment.md");
    }

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
            // Local mode polls without a window; the deployment must not hold a lone message either.
            assertEquals(DeploymentNumbers.PIPE_BATCHING_WINDOW_SECONDS,
                    pipe.at("/SourceParameters/SqsQueueParameters/MaximumBatchingWindowInSeconds").asInt(),
                    "the batching window docs/latency.md and docs/cost.md assume");
            JsonNode validate = Templates.one(t, "AWS::Lambda::Function", "FunctionName", "packet-source-Validate");
            assertEquals(Integer.toString(local.queues().batchSize()),
                    validate.at("/Properties/Environment/Variables/PACKET_SOURCE_PIPE_BATCH_SIZE").asText(),
                    "Validate's state budget is cut for the Pipe's batch size");
        }
    }
}
