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
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import java.util.HexFormat;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;

/**
 * The SNS side of local mode: the known topics and their subscriptions. Pre-subscribed topics
 * (the config's Packet Sources, for the demo) get one confirmed subscription per configured
 * region (its delivery queue) with the filter policy {@code {"EgressRegion":["<region>"]}}, as
 * the custom resource subscribes them; other topics get subscriptions through Subscribe, pending
 * until ConfirmSubscription with the token of the SubscriptionConfirmation sent to the queue.
 * Only confirmed subscriptions receive messages. A message that matches no subscription is
 * accepted (as SNS accepts it) and counted as filtered.
 */
public final class TopicFanout {
    public static final String EGRESS_REGION = "EgressRegion";

    /** What one publish did: the regions whose subscription matched (empty: filtered). */
    public record Published(String messageId, List<String> deliveredTo) {}

    private final Set<String> topicArns;
    private final DeliveryQueues queues;
    private final Clock clock;
    private volatile String endpointBase = "http://127.0.0.1";
    private final LocalSigningKey signingKey;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong filtered = new AtomicLong();

    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();

    /**
     * The SNS MessageId of the latest delivered messages, by the SQS message id their copy got:
     * the pipeline's discards carry the SQS id (as on AWS), while the publisher holds the SNS one.
     * Bounded: older messages simply go unnamed.
     */
    private final Map<String, String> snsIdBySqsId = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > SNS_IDS_KEPT;
        }
    };
    private static final int SNS_IDS_KEPT = 10_000;

    /** Every topic pre-subscribed. */
    public TopicFanout(Set<String> topicArns, DeliveryQueues queues, Clock clock) {
        this(topicArns, topicArns, queues, clock);
    }

    /** @param preSubscribed topics whose delivery-queue subscriptions exist, confirmed, from the start */
    public TopicFanout(Set<String> topicArns, Set<String> preSubscribed, DeliveryQueues queues, Clock clock) {
        this(topicArns, preSubscribed, queues, clock, LocalSigningKey.generate());
    }

    /** @param signingKey signs every envelope delivered; local mode's verifier trusts it */
    public TopicFanout(Set<String> topicArns, Set<String> preSubscribed, DeliveryQueues queues, Clock clock,
                       LocalSigningKey signingKey) {
        this.signingKey = signingKey;
        this.topicArns = Set.copyOf(topicArns);
        this.queues = queues;
        this.clock = clock;
        for (String topic : preSubscribed) {
            for (String region : queues.byRegion().keySet()) {
                String arn = topic + ":" + UUID.nameUUIDFromBytes((topic + "|" + region).getBytes(StandardCharsets.UTF_8));
                subscriptions.put(arn, new Subscription(arn, topic, queues.of(region).arn(), region,
                        Map.of(EGRESS_REGION, List.of(region)), Map.of(), true, null));
            }
        }
    }

    public LocalSigningKey signingKey() {
        return signingKey;
    }

    /** A snapshot of the topic's subscriptions, in creation order. */
    public synchronized List<Subscription> subscriptions(String topicArn) {
        return subscriptions.values().stream().filter(s -> s.topicArn().equals(topicArn)).toList();
    }

    /**
     * Subscribe of a delivery queue. The same topic, endpoint and attributes is the same
     * subscription (SNS is idempotent there; a pending one gets its confirmation again); other
     * attributes for an existing one are InvalidParameter, as on AWS.
     */
    public Subscription subscribe(String topicArn, String queueArn, Map<String, String> attributes) throws SnsException {
        requireTopic(topicArn);
        String region = null;
        for (DeliveryQueues.Pair p : queues.byRegion().values()) if (p.arn().equals(queueArn)) region = p.region();
        if (region == null) throw SnsException.invalidParameter("Endpoint Reason: " + queueArn + " is not a local delivery queue");
        if ("true".equalsIgnoreCase(attributes.get("RawMessageDelivery"))) {
            throw SnsException.invalidParameter("Attributes Reason: local mode delivers envelopes only (RawMessageDelivery false), as the pipeline needs them");
        }
        String scope = attributes.getOrDefault("FilterPolicyScope", "MessageAttributes");
        if (!scope.equals("MessageAttributes")) throw SnsException.invalidParameter("Attributes Reason: FilterPolicyScope " + scope + " is not supported locally");
        Map<String, List<String>> filter = FilterPolicies.parse(attributes.get("FilterPolicy"));
        Subscription s;
        synchronized (this) {
            Subscription existing = subscriptions.values().stream()
                    .filter(x -> x.topicArn().equals(topicArn) && x.queueArn().equals(queueArn)).findFirst().orElse(null);
            if (existing != null) {
                if (!existing.attributes().equals(attributes) && !existing.attributes().isEmpty()) {
                    throw SnsException.invalidParameter("Attributes Reason: Subscription already exists with different attributes");
                }
                if (existing.confirmed()) return existing;
                s = existing;
            } else {
                String arn = topicArn + ":" + UUID.randomUUID();
                s = new Subscription(arn, topicArn, queueArn, region, filter, Map.copyOf(attributes), false,
                        HexFormat.of().formatHex(randomToken()));
                subscriptions.put(arn, s);
            }
        }
        String body = Notification.subscriptionConfirmation(UUID.randomUUID().toString(), topicArn, s.token(), clock.instant(), endpointBase,
                signingKey.signer());
        queues.client(s.region()).sendMessage(b -> b.queueUrl(queues.of(s.region()).url()).messageBody(body));
        return s;
    }

    private static byte[] randomToken() {
        byte[] t = new byte[64];
        TOKENS.nextBytes(t);
        return t;
    }

    private static final SecureRandom TOKENS = new SecureRandom();

    /** @return false if there was no such subscription */
    public synchronized boolean unsubscribe(String subscriptionArn) {
        return subscriptions.remove(subscriptionArn) != null;
    }

    /** ConfirmSubscription: the pending subscription of the topic with this token becomes confirmed. */
    public synchronized String confirm(String topicArn, String token) throws SnsException {
        requireTopic(topicArn);
        for (Subscription s : subscriptions.values()) {
            if (s.topicArn().equals(topicArn) && !s.confirmed() && s.token() != null && s.token().equals(token)) {
                subscriptions.put(s.arn(), s.confirm());
                return s.arn();
            }
        }
        throw SnsException.invalidParameter("Token");
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
    /** The confirmed subscriptions of the topic whose filter policy the message passes. */
    synchronized List<Subscription> matching(String topicArn, PublishEntry e) {
        List<Subscription> out = new ArrayList<>();
        for (Subscription s : subscriptions.values()) {
            if (s.confirmed() && s.topicArn().equals(topicArn) && s.accepts(e.attributes())) out.add(s);
        }
        return out;
    }

    /** Publishes entries of one topic; returns one result per entry, in order. */
    public List<Published> publish(String topicArn, List<PublishEntry> entries) throws SnsException {
        requireTopic(topicArn);
        var now = clock.instant();
        var signer = signingKey.signer();
        Map<String, List<SendMessageBatchRequestEntry>> perRegion = new LinkedHashMap<>();
        List<Published> out = new ArrayList<>(entries.size());
        int i = 0;
        for (PublishEntry e : entries) {
            String id = UUID.randomUUID().toString();
            List<Subscription> matched = matching(topicArn, e);
            List<String> regions = new ArrayList<>();
            if (matched.isEmpty()) filtered.incrementAndGet();
            for (Subscription sub : matched) {
                regions.add(sub.region());
                String body = Notification.envelope(id, topicArn, e, now, sub.arn(), endpointBase, signer);
                perRegion.computeIfAbsent(sub.region(), k -> new ArrayList<>())
                        .add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody(body).build());
            }
            published.incrementAndGet();
            out.add(new Published(id, regions));
            i++;
        }
        for (Map.Entry<String, List<SendMessageBatchRequestEntry>> q : perRegion.entrySet()) {
            SendMessageBatchResponse r = queues.client(q.getKey())
                    .sendMessageBatch(b -> b.queueUrl(queues.of(q.getKey()).url()).entries(q.getValue()));
            if (!r.failed().isEmpty()) {
                throw new SnsException(500, "InternalError", "delivery to the regional queue failed");
            }
            synchronized (snsIdBySqsId) {
                for (var ok : r.successful()) {
                    snsIdBySqsId.put(ok.messageId(), out.get(Integer.parseInt(ok.id().substring(1))).messageId());
                }
            }
        }
        return out;
    }

    /** The SNS MessageId of the message a delivery queue holds as {@code sqsMessageId}; null when not known. */
    public String snsMessageIdOf(String sqsMessageId) {
        synchronized (snsIdBySqsId) {
            return snsIdBySqsId.get(sqsMessageId);
        }
    }
}
