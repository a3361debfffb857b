package com.proxylity.packetsource.local.sns;

import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The SNS side of local mode: the known topics, and for each one subscription per configured
 * region (its delivery queue) with the filter policy {@code {"EgressRegion":["<region>"]}}, as the
 * AWS stack subscribes them. A message that matches no subscription is accepted (as SNS accepts
 * it) and counted as filtered.
 */
public final class TopicFanout {
    public static final String EGRESS_REGION = "EgressRegion";

    /** What one publish did: the regions whose subscription matched (empty: filtered). */
    public record Published(String messageId, List<String> deliveredTo) {}

    private final Set<String> topicArns;
    private final DeliveryQueues queues;
    private final SqsClient sqs;
    private final Clock clock;
    private volatile String endpointBase = "http://127.0.0.1";
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong filtered = new AtomicLong();

    public TopicFanout(Set<String> topicArns, DeliveryQueues queues, SqsClient sqs, Clock clock) {
        this.topicArns = Set.copyOf(topicArns);
        this.queues = queues;
        this.sqs = sqs;
        this.clock = clock;
    }

    void endpointBase(String base) { this.endpointBase = base; }

    public long published() { return published.get(); }

    /** Messages that matched no subscription (no EgressRegion, or a region not configured). */
    public long filtered() { return filtered.get(); }

    public void requireTopic(String topicArn) throws SnsException {
        if (!topicArns.contains(topicArn)) throw SnsException.notFound("Topic does not exist");
    }

    /**
     * The regions whose subscription filter {@code {"EgressRegion":["<region>"]}} the message
     * matches, in configuration order; empty when none does. A String.Array attribute matches
     * every subscription one of its elements names, and SNS delivers a copy to each of them (the
     * subscriptions are evaluated independently), so one message can reach several regions.
     */
    List<String> matchingRegions(PublishEntry e) {
        MessageAttribute a = e.attributes().get(EGRESS_REGION);
        if (a == null) return List.of();
        if (a.isString()) return queues.of(a.value()) == null ? List.of() : List.of(a.value());
        if (!a.envelopeType().equals("String.Array")) return List.of();
        java.util.Set<String> named = new java.util.HashSet<>();
        try {
            for (var v : ARRAYS.readTree(a.value())) if (v.isTextual()) named.add(v.textValue());
        } catch (java.io.IOException notAnArray) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String region : queues.byRegion().keySet()) if (named.contains(region)) out.add(region);
        return out;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper ARRAYS = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Publishes entries of one topic; returns one result per entry, in order. */
    public List<Published> publish(String topicArn, List<PublishEntry> entries) throws SnsException {
        requireTopic(topicArn);
        var now = clock.instant();
        Map<String, List<SendMessageBatchRequestEntry>> perQueue = new LinkedHashMap<>();
        List<Published> out = new ArrayList<>(entries.size());
        int i = 0;
        for (PublishEntry e : entries) {
            String id = UUID.randomUUID().toString();
            List<String> regions = matchingRegions(e);
            if (regions.isEmpty()) filtered.incrementAndGet();
            for (String region : regions) {
                String subscription = topicArn + ":" + UUID.nameUUIDFromBytes(
                        (topicArn + "|" + region).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                String body = Notification.envelope(id, topicArn, e, now, subscription, endpointBase);
                perQueue.computeIfAbsent(queues.of(region).url(), k -> new ArrayList<>())
                        .add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(body).build());
            }
            published.incrementAndGet();
            out.add(new Published(id, regions));
            i++;
        }
        for (Map.Entry<String, List<SendMessageBatchRequestEntry>> q : perQueue.entrySet()) {
            SendMessageBatchResponse r = sqs.sendMessageBatch(b -> b.queueUrl(q.getKey()).entries(q.getValue()));
            if (!r.failed().isEmpty()) {
                throw new SnsException(500, "InternalError", "delivery to the regional queue failed");
            }
        }
        return out;
    }
}
