package com.proxylity.packetsource.local.sns;

import com.proxylity.packetsource.local.iam.LocalIam;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Subscribe, Unsubscribe, ListSubscriptionsByTopic and ConfirmSubscription of the local SNS
 * endpoint (AWS Query protocol). The first three need the caller to be a session of a role
 * ({@link LocalIam}) allowed the action on the topic, as they would on AWS with the customer's
 * role; ConfirmSubscription needs only the token, as on AWS.
 */
final class SubscriptionActions {
    /** ListSubscriptionsByTopic returns up to 100 subscriptions per page. */
    static final int PAGE = 100;

    private final TopicFanout fanout;
    private final LocalIam iam;

    SubscriptionActions(TopicFanout fanout, LocalIam iam) {
        this.fanout = fanout;
        this.iam = iam;
    }

    static boolean handles(String action) {
        return List.of("Subscribe", "Unsubscribe", "ListSubscriptionsByTopic", "ConfirmSubscription").contains(action);
    }

    String dispatch(QueryRequest q, String accessKeyId, String requestId) throws SnsException {
        switch (q.action()) {
            case "Subscribe": {
                String topic = required(q, "TopicArn");
                authorize(accessKeyId, "sns:Subscribe", topic);
                String protocol = required(q, "Protocol");
                if (!protocol.equals("sqs")) throw SnsException.invalidParameter("Protocol Reason: local mode subscribes sqs endpoints only");
                Subscription s = fanout.subscribe(topic, required(q, "Endpoint"), attributes(q));
                boolean returnArn = "true".equalsIgnoreCase(q.get("ReturnSubscriptionArn"));
                return SnsXml.subscribe(s.confirmed() || returnArn ? s.arn() : "pending confirmation", requestId);
            }
            case "Unsubscribe": {
                String arn = required(q, "SubscriptionArn");
                authorize(accessKeyId, "sns:Unsubscribe", topicOf(arn));
                if (!fanout.unsubscribe(arn)) throw SnsException.notFound("Subscription does not exist");
                return SnsXml.empty("UnsubscribeResponse", requestId);
            }
            case "ListSubscriptionsByTopic": {
                String topic = required(q, "TopicArn");
                authorize(accessKeyId, "sns:ListSubscriptionsByTopic", topic);
                fanout.requireTopic(topic);
                List<Subscription> all = fanout.subscriptions(topic);
                int from = 0;
                if (q.get("NextToken") != null && !q.get("NextToken").isEmpty()) {
                    try {
                        from = Integer.parseInt(q.get("NextToken"));
                    } catch (NumberFormatException e) {
                        throw SnsException.invalidParameter("NextToken");
                    }
                    if (from < 0 || from > all.size()) throw SnsException.invalidParameter("NextToken");
                }
                int to = Math.min(all.size(), from + PAGE);
                return SnsXml.listSubscriptions(all.subList(from, to), to < all.size() ? Integer.toString(to) : null, requestId);
            }
            case "ConfirmSubscription": {
                String arn = fanout.confirm(required(q, "TopicArn"), required(q, "Token"));
                return SnsXml.confirmSubscription(arn, requestId);
            }
            default:
                throw new IllegalArgumentException(q.action());
        }
    }

    private void authorize(String accessKeyId, String action, String topicArn) throws SnsException {
        var session = iam.session(accessKeyId);
        if (session.isEmpty() || !session.get().role().allows(action, topicArn)) {
            String who = session.map(s -> "arn:aws:sts::000000000000:assumed-role/" + s.role().arn().substring(s.role().arn().indexOf('/') + 1) + "/local")
                    .orElse("arn:aws:iam::000000000000:user/local");
            throw new SnsException(403, "AuthorizationError",
                    "User: " + who + " is not authorized to perform: " + "SNS:" + action.substring(4) + " on resource: " + topicArn);
        }
    }

    /** arn:aws:sns:region:account:topic:subscription-id -> the topic's ARN. */
    private static String topicOf(String subscriptionArn) throws SnsException {
        int last = subscriptionArn.lastIndexOf(':');
        if (!subscriptionArn.startsWith("arn:") || last < 0) throw SnsException.invalidParameter("SubscriptionArn");
        return subscriptionArn.substring(0, last);
    }

    private static String required(QueryRequest q, String name) throws SnsException {
        String v = q.get(name);
        if (v == null || v.isEmpty()) throw SnsException.invalidParameter(name + " Reason: no value for required parameter");
        return v;
    }

    /** Attributes.entry.N.key / Attributes.entry.N.value. */
    private static Map<String, String> attributes(QueryRequest q) throws SnsException {
        Map<String, String> out = new HashMap<>();
        for (int n = 1; n <= 20; n++) {
            String k = q.get("Attributes.entry." + n + ".key");
            if (k == null) break;
            String v = q.get("Attributes.entry." + n + ".value");
            if (v == null) throw SnsException.invalidParameter("Attributes Reason: " + k + " without value");
            out.put(k, v);
        }
        return out;
    }
}
