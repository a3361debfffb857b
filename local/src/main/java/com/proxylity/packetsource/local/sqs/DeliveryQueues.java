package com.proxylity.packetsource.local.sqs;

import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The regional delivery queues and their DLQs, created as the AWS stack creates them: one
 * {@code packet-source-delivery-<region>} per region with a redrive policy to
 * {@code packet-source-delivery-<region>-dlq}, each on its region's SQS endpoint, so a queue's
 * ARN names the region it is in, as on AWS (the filter policy of a subscription is taken from it).
 */
public final class DeliveryQueues {
    public static final String PREFIX = DeploymentNumbers.DELIVERY_QUEUE_PREFIX;
    public static final String DLQ_SUFFIX = DeploymentNumbers.DLQ_SUFFIX;

    /** One region's pair of queues. */
    public record Pair(String region, String url, String arn, String dlqUrl, String dlqArn) {}

    private final Map<String, SqsClient> clients;
    private final Map<String, Pair> byRegion;

    private DeliveryQueues(Map<String, SqsClient> clients, Map<String, Pair> byRegion) {
        this.clients = clients;
        this.byRegion = byRegion;
    }

    public static String queueName(String region) { return DeploymentNumbers.deliveryQueueName(region); }

    public static String dlqName(String region) { return DeploymentNumbers.deadLetterQueueName(region); }

    /**
     * Every region's queues on one SQS server. Its ARNs all carry that server's region, which no
     * AWS deployment of more than one region looks like: for tests of the SNS mechanics only.
     */
    public static DeliveryQueues create(SqsClient sqs, List<String> regions, int visibilityTimeoutSeconds,
                                        int maxReceiveCount) {
        Map<String, SqsClient> clients = new LinkedHashMap<>();
        for (String r : regions) clients.put(r, sqs);
        return create(clients, visibilityTimeoutSeconds, maxReceiveCount);
    }

    /** @param clientByRegion each region's own SQS endpoint, in configuration order */
    public static DeliveryQueues create(Map<String, SqsClient> clientByRegion, int visibilityTimeoutSeconds,
                                        int maxReceiveCount) {
        Map<String, Pair> pairs = new LinkedHashMap<>();
        for (Map.Entry<String, SqsClient> e : clientByRegion.entrySet()) {
            String region = e.getKey();
            SqsClient sqs = e.getValue();
            String dlqUrl = sqs.createQueue(b -> b.queueName(dlqName(region))
                    // 14 days, the SQS maximum, so nothing that failed expires before someone looks.
                    .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600"))).queueUrl();
            String dlqArn = arn(sqs, dlqUrl);
            String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
            String url = sqs.createQueue(b -> b.queueName(queueName(region)).attributes(Map.of(
                    QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds),
                    QueueAttributeName.REDRIVE_POLICY, redrive))).queueUrl();
            pairs.put(region, new Pair(region, url, arn(sqs, url), dlqUrl, dlqArn));
        }
        return new DeliveryQueues(Map.copyOf(clientByRegion), pairs);
    }

    private static String arn(SqsClient sqs, String url) {
        GetQueueAttributesResponse r = sqs.getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.QUEUE_ARN));
        return r.attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    public Map<String, Pair> byRegion() { return byRegion; }

    public Pair of(String region) { return byRegion.get(region); }

    /** The SQS client of the region's endpoint (SDK v2 sends to the endpoint, not to the queue URL's host). */
    public SqsClient client(String region) {
        SqsClient c = clients.get(region);
        if (c == null) throw new IllegalArgumentException("no delivery queue in region " + region);
        return c;
    }

    /** Messages in a queue, visible plus in flight (what an operator calls its depth). */
    public long depth(String url) {
        Map<QueueAttributeName, String> a = clientOfUrl(url).getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
                + Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"));
    }

    private SqsClient clientOfUrl(String url) {
        for (Pair p : byRegion.values()) {
            if (p.url().equals(url) || p.dlqUrl().equals(url)) return client(p.region());
        }
        throw new IllegalArgumentException("not a delivery queue or DLQ: " + url);
    }

    /** Depth of all DLQs together. */
    public long dlqDepth() {
        long total = 0;
        for (Pair p : byRegion.values()) total += depth(p.dlqUrl());
        return total;
    }
}
