package com.proxylity.packetsource.local.sns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.local.iam.LocalIam;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import com.proxylity.packetsource.local.sqs.EmbeddedSqs;
import com.proxylity.packetsource.local.sqs.Sqs;
import com.proxylity.packetsource.local.sts.LocalStsServer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.AuthorizationErrorException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Subscription management of the local SNS endpoint and AssumeRole of the local STS endpoint, as
 * the real SDK v2 clients see them (no pipeline here, so a pending subscription stays pending
 * until this test confirms it).
 */
class LocalSubscriptionsTest {
    static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:customer";
    static final String ROLE = "arn:aws:iam::111122223333:role/subscriber";
    static final String FILTER_US = "{\"EgressRegion\":[\"us-east-1\"]}";
    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedSqs embedded;
    static SqsClient sqs;
    static DeliveryQueues queues;
    static TopicFanout fanout;
    static LocalSnsServer server;
    static LocalStsServer stsServer;
    static StsClient sts;
    static SnsClient anonymous;

    @BeforeAll
    static void start() throws Exception {
        embedded = EmbeddedSqs.start(0, "us-east-1");
        sqs = Sqs.client(embedded.endpoint(), "us-east-1");
        queues = DeliveryQueues.create(sqs, List.of("us-east-1", "eu-west-1"), 30, 3);
        fanout = new TopicFanout(Set.of(TOPIC), Set.of(), queues, Clock.systemUTC());
        LocalIam iam = new LocalIam(List.of(new LocalIam.Role(ROLE, "psx-acme",
                Set.of("sns:Subscribe", "sns:Unsubscribe", "sns:ListSubscriptionsByTopic"), Set.of(TOPIC))), Clock.systemUTC());
        server = LocalSnsServer.start(0, fanout, iam);
        stsServer = LocalStsServer.start(0, iam);
        sts = StsClient.builder().endpointOverride(stsServer.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create()).build();
        anonymous = sns(Sqs.dummyCredentials());
    }

    @AfterAll
    static void stop() {
        anonymous.close();
        sts.close();
        stsServer.close();
        server.close();
        sqs.close();
        embedded.close();
    }

    static SnsClient sns(software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials) {
        return SnsClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    }

    static SnsClient asRole() {
        Credentials c = sts.assumeRole(b -> b.roleArn(ROLE).externalId("psx-acme").roleSessionName("test")).credentials();
        return sns(StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken())));
    }

    static List<Message> drain(String url) {
        var r = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1));
        for (Message m : r.messages()) sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
        return r.messages();
    }

    static void publishUs() {
        anonymous.publish(b -> b.topicArn(TOPIC).message("{\"Messages\":[]}").messageAttributes(Map.of("EgressRegion",
                MessageAttributeValue.builder().dataType("String").stringValue("us-east-1").build())));
    }

    static Map<String, String> attributes(String filter) {
        return Map.of("FilterPolicy", filter, "FilterPolicyScope", "MessageAttributes", "RawMessageDelivery", "false");
    }

    @Test
    void pendingUntilConfirmedThenDeliveredThenUnsubscribed() throws Exception {
        String queue = queues.of("us-east-1").arn();
        String url = queues.of("us-east-1").url();
        try (SnsClient sns = asRole()) {
            String first = sns.subscribe(b -> b.topicArn(TOPIC).protocol("sqs").endpoint(queue).attributes(attributes(FILTER_US)))
                    .subscriptionArn();
            assertEquals("pending confirmation", first, "without ReturnSubscriptionArn, as SNS answers");
            String arn = sns.subscribe(b -> b.topicArn(TOPIC).protocol("sqs").endpoint(queue).attributes(attributes(FILTER_US))
                    .returnSubscriptionArn(true)).subscriptionArn();
            assertTrue(arn.startsWith(TOPIC + ":"), arn);
            List<Subscription> listed = sns.listSubscriptionsByTopic(b -> b.topicArn(TOPIC)).subscriptions();
            assertEquals(1, listed.size(), "the same endpoint and attributes is one subscription");
            assertEquals("PendingConfirmation", listed.get(0).subscriptionArn());
            assertEquals(queue, listed.get(0).endpoint());

            List<Message> confirmations = drain(url);
            assertEquals(2, confirmations.size(), "one SubscriptionConfirmation per Subscribe of a pending subscription");
            JsonNode env = JSON.readTree(confirmations.get(1).body());
            assertEquals("SubscriptionConfirmation", env.get("Type").asText());
            assertEquals(TOPIC, env.get("TopicArn").asText());

            long filtered = fanout.filtered();
            publishUs();
            assertEquals(filtered + 1, fanout.filtered(), "nothing is delivered to a pending subscription");

            assertThrows(InvalidParameterException.class, () -> anonymous.confirmSubscription(b -> b.topicArn(TOPIC).token("bad")));
            String confirmed = anonymous.confirmSubscription(b -> b.topicArn(TOPIC).token(env.get("Token").asText())).subscriptionArn();
            assertEquals(arn, confirmed);
            assertEquals(arn, sns.listSubscriptionsByTopic(b -> b.topicArn(TOPIC)).subscriptions().get(0).subscriptionArn());
            publishUs();
            List<Message> delivered = drain(url);
            assertEquals(1, delivered.size());
            assertEquals("Notification", JSON.readTree(delivered.get(0).body()).get("Type").asText());
            assertEquals(arn, sns.subscribe(b -> b.topicArn(TOPIC).protocol("sqs").endpoint(queue)
                    .attributes(attributes(FILTER_US))).subscriptionArn(), "a confirmed subscription answers with its ARN");

            InvalidParameterException differs = assertThrows(InvalidParameterException.class, () -> sns.subscribe(b -> b.topicArn(TOPIC)
                    .protocol("sqs").endpoint(queue).attributes(attributes("{\"EgressRegion\":[\"eu-west-1\"]}"))));
            assertTrue(differs.getMessage().contains("different attributes"), differs.getMessage());

            sns.unsubscribe(b -> b.subscriptionArn(arn));
            assertTrue(sns.listSubscriptionsByTopic(b -> b.topicArn(TOPIC)).subscriptions().isEmpty());
            assertThrows(NotFoundException.class, () -> sns.unsubscribe(b -> b.subscriptionArn(arn)));
        }
    }

    @Test
    void subscriptionsNeedARoleAllowedTheAction() {
        AuthorizationErrorException e = assertThrows(AuthorizationErrorException.class, () -> anonymous.subscribe(b -> b.topicArn(TOPIC)
                .protocol("sqs").endpoint(queues.of("us-east-1").arn()).attributes(attributes(FILTER_US))));
        assertTrue(e.getMessage().contains("is not authorized to perform: SNS:Subscribe on resource: " + TOPIC), e.getMessage());
        assertThrows(AuthorizationErrorException.class, () -> anonymous.listSubscriptionsByTopic(b -> b.topicArn(TOPIC)));
    }

    @Test
    void assumeRoleChecksTheExternalId() {
        StsException wrong = assertThrows(StsException.class,
                () -> sts.assumeRole(b -> b.roleArn(ROLE).externalId("psx-other").roleSessionName("xx")));
        assertEquals(403, wrong.statusCode());
        assertEquals("AccessDenied", wrong.awsErrorDetails().errorCode());
        StsException missing = assertThrows(StsException.class, () -> sts.assumeRole(b -> b.roleArn(ROLE).roleSessionName("xx")));
        assertEquals("AccessDenied", missing.awsErrorDetails().errorCode());
        StsException unknown = assertThrows(StsException.class,
                () -> sts.assumeRole(b -> b.roleArn("arn:aws:iam::111122223333:role/none").externalId("psx-acme").roleSessionName("xx")));
        assertEquals("AccessDenied", unknown.awsErrorDetails().errorCode());
        Credentials c = sts.assumeRole(b -> b.roleArn(ROLE).externalId("psx-acme").roleSessionName("ok")).credentials();
        assertTrue(c.accessKeyId().startsWith("ASIA") && c.expiration() != null);
    }
}
