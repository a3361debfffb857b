package com.proxylity.packetsource.local.sns;

import java.util.List;

/** AWS Query protocol responses of SNS (namespace of API version 2010-03-31). */
final class SnsXml {
    static final String NS = "http://sns.amazonaws.com/doc/2010-03-31/";

    private SnsXml() {}

    static String publish(String messageId, String requestId) {
        return "<PublishResponse xmlns=\"" + NS + "\"><PublishResult><MessageId>" + esc(messageId)
                + "</MessageId></PublishResult>" + metadata(requestId) + "</PublishResponse>";
    }

    static String publishBatch(List<String> ids, List<String> messageIds, List<QueryRequest.BatchFailure> failed,
                               String requestId) {
        StringBuilder sb = new StringBuilder("<PublishBatchResponse xmlns=\"" + NS + "\"><PublishBatchResult><Successful>");
        for (int i = 0; i < ids.size(); i++) {
            sb.append("<member><Id>").append(esc(ids.get(i))).append("</Id><MessageId>")
                    .append(esc(messageIds.get(i))).append("</MessageId></member>");
        }
        sb.append("</Successful><Failed>");
        for (QueryRequest.BatchFailure f : failed) {
            sb.append("<member><Id>").append(esc(f.id())).append("</Id><Code>").append(esc(f.code()))
                    .append("</Code><Message>").append(esc(f.message())).append("</Message><SenderFault>true</SenderFault></member>");
        }
        return sb.append("</Failed></PublishBatchResult>").append(metadata(requestId))
                .append("</PublishBatchResponse>").toString();
    }

    static String subscribe(String subscriptionArn, String requestId) {
        return "<SubscribeResponse xmlns=\"" + NS + "\"><SubscribeResult><SubscriptionArn>" + esc(subscriptionArn)
                + "</SubscriptionArn></SubscribeResult>" + metadata(requestId) + "</SubscribeResponse>";
    }

    static String confirmSubscription(String subscriptionArn, String requestId) {
        return "<ConfirmSubscriptionResponse xmlns=\"" + NS + "\"><ConfirmSubscriptionResult><SubscriptionArn>"
                + esc(subscriptionArn) + "</SubscriptionArn></ConfirmSubscriptionResult>" + metadata(requestId)
                + "</ConfirmSubscriptionResponse>";
    }

    static String empty(String element, String requestId) {
        return "<" + element + " xmlns=\"" + NS + "\">" + metadata(requestId) + "</" + element + ">";
    }

    /** A pending subscription is listed as {@code PendingConfirmation}, as SNS lists it. */
    static String listSubscriptions(List<Subscription> page, String nextToken, String requestId) {
        StringBuilder sb = new StringBuilder("<ListSubscriptionsByTopicResponse xmlns=\"" + NS
                + "\"><ListSubscriptionsByTopicResult><Subscriptions>");
        for (Subscription s : page) {
            sb.append("<member><TopicArn>").append(esc(s.topicArn())).append("</TopicArn><Protocol>sqs</Protocol><SubscriptionArn>")
                    .append(esc(s.confirmed() ? s.arn() : "PendingConfirmation")).append("</SubscriptionArn><Owner>")
                    .append(esc(s.topicArn().split(":")[4])).append("</Owner><Endpoint>").append(esc(s.queueArn()))
                    .append("</Endpoint></member>");
        }
        sb.append("</Subscriptions>");
        if (nextToken != null) sb.append("<NextToken>").append(esc(nextToken)).append("</NextToken>");
        return sb.append("</ListSubscriptionsByTopicResult>").append(metadata(requestId))
                .append("</ListSubscriptionsByTopicResponse>").toString();
    }

    static String error(SnsException e, String requestId) {
        return "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>" + e.faultType() + "</Type><Code>"
                + esc(e.code()) + "</Code><Message>" + esc(e.getMessage()) + "</Message></Error><RequestId>"
                + esc(requestId) + "</RequestId></ErrorResponse>";
    }

    private static String metadata(String requestId) {
        return "<ResponseMetadata><RequestId>" + esc(requestId) + "</RequestId></ResponseMetadata>";
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
