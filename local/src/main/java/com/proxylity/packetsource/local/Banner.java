package com.proxylity.packetsource.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import java.io.PrintStream;

/** What local mode prints at start: endpoints, queues, topics, Listener ports and public keys. */
public final class Banner {
    private Banner() {}

    public static ObjectNode json(LocalMode mode) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("sns", mode.stack().snsEndpoint().toString());
        n.put("egressApi", mode.sender().endpoint());
        n.put("sts", mode.stack().stsEndpoint().toString());
        n.put("resource", mode.resourceEndpoint().toString());
        n.put("customers", mode.customersEndpoint().toString());
        mode.taskControl().ifPresent(c -> n.put("taskControl", c.toString()));
        var tasks = n.putArray("senderTasks");
        for (LocalSender t : mode.tasks()) tasks.addObject().put("id", t.taskId()).put("egressApi", t.endpoint());
        ObjectNode regions = n.putObject("regions");
        for (DeliveryQueues.Pair q : mode.stack().queues().byRegion().values()) {
            // Each region has its own SQS endpoint, as on AWS: replay names the DLQ's region's one.
            regions.putObject(q.region()).put("sqs", mode.stack().sqsEndpoint(q.region()).toString())
                    .put("queueUrl", q.url()).put("dlqUrl", q.dlqUrl());
        }
        var topics = n.putArray("topics");
        for (String t : mode.config().allTopicNames()) topics.add(mode.config().topicArn(t));
        var listeners = n.putArray("listeners");
        for (LocalConfig.ListenerConfig l : mode.config().listeners()) {
            ObjectNode o = listeners.addObject().put("name", l.name()).put("type", l.type().wireName())
                    .put("address", "127.0.0.1").put("port", mode.sender().listenerPorts().get(l.name()));
            String key = mode.sender().publicKeys().get(l.name());
            if (key != null) o.put("publicKey", key);
        }
        return n;
    }

    public static void print(LocalMode mode, PrintStream out) {
        LocalConfig c = mode.config();
        out.println("Packet Source local mode");
        out.println("  SNS endpoint  " + mode.stack().snsEndpoint() + "   (Publish, PublishBatch: any credentials; subscriptions: a local role's)");
        out.println("  STS endpoint  " + mode.stack().stsEndpoint() + "   (AssumeRole of the config's roles)");
        out.println("  provider      " + mode.resourceEndpoint() + "   (Custom::ProxylityUdpGatewayPacketSource)");
        out.println("  customers     " + mode.customersEndpoint() + "   (packet-source customer --local)");
        if (mode.tasks().size() == 1) {
            out.println("  egress API    " + mode.sender().endpoint());
        } else {
            for (LocalSender t : mode.tasks()) out.println("  sender task   " + t.taskId() + "  egress API " + t.endpoint());
            out.println("  task control  " + mode.taskControl().orElseThrow()
                    + "   (GET /tasks, POST /tasks/<id>/drain|stop|kill|start; Listener ports shared, flows hashed by the kernel)");
        }
        for (DeliveryQueues.Pair q : mode.stack().queues().byRegion().values()) {
            out.println("  region        " + q.region() + "  SQS endpoint " + mode.stack().sqsEndpoint(q.region())
                    + "  queue " + DeliveryQueues.queueName(q.region()) + "  DLQ " + DeliveryQueues.dlqName(q.region()));
        }
        for (LocalConfig.SourceConfig s : c.packetSources()) {
            out.println("  topic         " + c.topicArn(s.topic()) + " -> listener " + s.listener()
                    + (s.enabled() ? "" : " (disabled)") + (s.formatter() == null ? "" : ", formatter " + s.formatter())
                    + (s.outcomeTopic() == null ? "" : ", outcomes to " + s.outcomeTopic()));
        }
        for (String t : c.extraTopics()) out.println("  topic         " + c.topicArn(t) + " (not a Packet Source)");
        for (String t : c.customerTopics()) out.println("  topic         " + c.topicArn(t) + " (customer topic: no subscription until a Packet Source resource makes one)");
        for (var o : c.outcomeTopics()) out.println("  topic         " + c.topicArn(o.topic()) + " (outcome topic"
                + (o.grantsPublisher() ? "" : ", its policy refuses the publisher") + ": what it receives is kept, --verbose prints it)");
        for (LocalConfig.ListenerConfig l : c.listeners()) {
            String key = mode.sender().publicKeys().get(l.name());
            out.println("  listener      " + l.name() + "  " + l.type().wireName() + "  127.0.0.1:" + mode.sender().listenerPorts().get(l.name())
                    + (key == null ? "" : "  public key " + key));
        }
        String region = c.regions().get(0);
        String topic = c.packetSources().isEmpty() ? "TOPIC" : c.packetSources().get(0).topic();
        out.println("Publish:  bin/packet-source publish --endpoint " + mode.stack().snsEndpoint() + " --sns-region " + c.snsRegion()
                + " --topic " + topic + " --egress-region " + region + " FILE...");
        for (String r : c.regions()) {
            out.println("Replay:   bin/packet-source replay --endpoint " + mode.stack().sqsEndpoint(r) + " --dlq-region " + r);
        }
        out.println("Resource: bin/packet-source resource create --endpoint " + mode.resourceEndpoint() + " PROPERTIES.json");
        out.println("Customer: bin/packet-source customer create --local " + mode.customersEndpoint() + " --id ID --account 000000000000");
    }
}
