package com.proxylity.packetsource.local.sns;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Customers' outcome topics in local mode (docs/packet-sources.md, "Your own outcomes"). On AWS
 * such a topic's policy grants sns:Publish to the region's outcome publisher role; here the
 * caller is that role when it signs with {@link #PUBLISHER_ACCESS_KEY}, and a topic configured
 * with {@code grantsPublisher: false} answers AuthorizationError as a policy without the
 * statement would. What is published is kept (the latest {@value #KEPT} per topic) and handed to
 * the listeners ({@code local --verbose} prints it).
 */
public final class OutcomeTopics {
    /** The access key id local mode's PublishOutcomes and provider sign with: the outcome publisher role. */
    public static final String PUBLISHER_ACCESS_KEY = "LOCALOUTCOMEPUBLISHER";
    /** The role ARN a local FAILED reason names (stack output PacketSourceOutcomePublisherRoleArn on AWS). */
    public static final String PUBLISHER_ROLE_ARN = "arn:aws:iam::000000000000:role/packet-source-PublishOutcomes-local";
    static final int KEPT = 1000;

    /** One message a topic took. */
    public record Delivered(String topicArn, String messageId, String subject, String message) {}

    private final Map<String, Boolean> grants;
    private final Map<String, Deque<Delivered>> kept = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Consumer<Delivered>> listeners = new CopyOnWriteArrayList<>();

    /** @param grants per topic ARN, whether its policy grants the outcome publisher role */
    public OutcomeTopics(Map<String, Boolean> grants) {
        this.grants = Map.copyOf(grants);
    }

    public static OutcomeTopics none() {
        return new OutcomeTopics(Map.of());
    }

    public boolean handles(String topicArn) {
        return topicArn != null && grants.containsKey(topicArn);
    }

    /** Publish by {@code caller} (an access key id, null if unsigned). */
    String publish(String topicArn, String caller, PublishEntry e) throws SnsException {
        if (!PUBLISHER_ACCESS_KEY.equals(caller) || !grants.get(topicArn)) {
            throw new SnsException(403, "AuthorizationError",
                    "User is not authorized to perform: SNS:Publish on resource: " + topicArn);
        }
        Delivered d = new Delivered(topicArn, UUID.randomUUID().toString(), e.subject(), e.message());
        Deque<Delivered> q = kept.computeIfAbsent(topicArn, k -> new ArrayDeque<>());
        synchronized (q) {
            if (q.size() >= KEPT) q.removeFirst();
            q.addLast(d);
        }
        for (Consumer<Delivered> l : listeners) l.accept(d);
        return d.messageId();
    }

    /** What the topic took, oldest first. */
    public List<Delivered> delivered(String topicArn) {
        Deque<Delivered> q = kept.get(topicArn);
        if (q == null) return List.of();
        synchronized (q) {
            return List.copyOf(q);
        }
    }

    public void onDelivered(Consumer<Delivered> listener) {
        listeners.add(listener);
    }
}
