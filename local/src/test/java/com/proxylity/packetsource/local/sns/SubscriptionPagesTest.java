package com.proxylity.packetsource.local.sns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.proxylity.packetsource.functions.resource.AwsCustomerAccounts;
import com.proxylity.packetsource.functions.resource.CustomerAccounts;
import com.proxylity.packetsource.local.iam.LocalIam;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import com.proxylity.packetsource.local.sqs.EmbeddedSqs;
import com.proxylity.packetsource.local.sqs.Sqs;
import com.proxylity.packetsource.local.sts.LocalStsServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * ListSubscriptionsByTopic pages (100 per page, NextToken), and the provider's SNS session reads
 * every page: 101 delivery queues (one per made-up region) subscribed to one topic.
 */
class SubscriptionPagesTest {
    static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:many";
    static final String ROLE = "arn:aws:iam::111122223333:role/subscriber";

    @Test
    void everyPageIsRead() throws Exception {
        List<String> regions = new ArrayList<>();
        for (int i = 0; i < 101; i++) regions.add(String.format("r%03d", i));
        try (EmbeddedSqs embedded = EmbeddedSqs.start(0, "us-east-1");
             SqsClient sqs = Sqs.client(embedded.endpoint(), "us-east-1")) {
            DeliveryQueues queues = DeliveryQueues.create(sqs, regions, 30, 3);
            TopicFanout fanout = new TopicFanout(Set.of(TOPIC), Set.of(), queues, Clock.systemUTC());
            LocalIam iam = new LocalIam(List.of(new LocalIam.Role(ROLE, "psx-acme",
                    Set.of("sns:Subscribe", "sns:ListSubscriptionsByTopic"), Set.of(TOPIC))), Clock.systemUTC());
            try (LocalSnsServer sns = LocalSnsServer.start(0, fanout, iam);
                 LocalStsServer sts = LocalStsServer.start(0, iam);
                 CustomerAccounts.TopicSession session = new AwsCustomerAccounts("us-east-1", Sqs.dummyCredentials(),
                         sts.endpoint(), sns.endpoint()).assume(ROLE, "psx-acme")) {
                Set<String> made = new HashSet<>();
                for (String r : regions) {
                    made.add(session.subscribe(TOPIC, queues.of(r).arn(), "{\"EgressRegion\":[\"" + r + "\"]}"));
                }
                QueryRequest first = QueryRequest.parse("Action=ListSubscriptionsByTopic&TopicArn=" + TOPIC);
                assertEquals(101, made.size());
                List<CustomerAccounts.Subscription> listed = session.subscriptions(TOPIC);
                assertEquals(101, listed.size(), "both pages");
                Set<String> endpoints = new HashSet<>();
                listed.forEach(s -> endpoints.add(s.endpoint()));
                assertEquals(101, endpoints.size());
                // The raw pages: 100, then 1 with no NextToken after it.
                String page1 = new SubscriptionActions(fanout, iam).dispatch(first, session(iam), "r1");
                assertEquals(100, count(page1, "<member>"));
                assertNotNull(token(page1));
                String page2 = new SubscriptionActions(fanout, iam).dispatch(QueryRequest.parse(
                        "Action=ListSubscriptionsByTopic&TopicArn=" + TOPIC + "&NextToken=" + token(page1)), session(iam), "r2");
                assertEquals(1, count(page2, "<member>"));
                assertNull(token(page2));
            }
        }
    }

    private static String session(LocalIam iam) throws LocalIam.AccessDenied {
        return iam.assumeRole(ROLE, "psx-acme", java.time.Duration.ofMinutes(15)).accessKeyId();
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    private static String token(String xml) {
        int i = xml.indexOf("<NextToken>");
        return i < 0 ? null : xml.substring(i + "<NextToken>".length(), xml.indexOf("</NextToken>"));
    }
}
