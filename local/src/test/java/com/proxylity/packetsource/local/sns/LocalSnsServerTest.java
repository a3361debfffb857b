package com.proxylity.packetsource.local.sns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.local.sqs.DeliveryQueues;
import com.proxylity.packetsource.local.sqs.EmbeddedSqs;
import com.proxylity.packetsource.local.sqs.Sqs;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import com.proxylity.packetsource.core.testing.Await;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.BatchRequestTooLongException;
import software.amazon.awssdk.services.sns.model.InvalidBatchEntryIdException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The local SNS endpoint as the real SDK v2 SnsClient sees it, delivering into real ElasticMQ queues. */
class LocalSnsServerTest {
    static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:orders";
    static EmbeddedSqs embedded;
    static SqsClient sqs;
    static DeliveryQueues queues;
    static TopicFanout fanout;
    static LocalSnsServer server;
    static SnsClient sns;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        embedded = EmbeddedSqs.start(0, "us-east-1");
        sqs = Sqs.client(embedded.endpoint(), "us-east-1");
        queues = DeliveryQueues.create(sqs, List.of("us-east-1", "eu-west-1"), 30, 3);
        fanout = new TopicFanout(Set.of(TOPIC), queues, Clock.systemUTC());
        server = LocalSnsServer.start(0, fanout);
        sns = SnsClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void stop() {
        sns.close();
        server.close();
        sqs.close();
        embedded.close();
    }

    static MessageAttributeValue str(String v) {
        return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
    }

    static List<Message> drain(String url) {
        var r = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1));
        for (Message m : r.messages()) sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
        return r.messages();
    }

    @Test
    void publishWithEgressRegionDeliversTheEnvelopeToThatRegionOnly() throws Exception {
        String body = "{\"Messages\":[{\"Data\":\"AQID\"}]}";
        var resp = sns.publish(b -> b.topicArn(TOPIC).message(body).subject("s")
                .messageAttributes(Map.of("EgressRegion", str("eu-west-1"))));
        assertNotNull(resp.messageId());
        List<Message> eu = drain(queues.of("eu-west-1").url());
        assertEquals(1, eu.size());
        assertEquals(0, drain(queues.of("us-east-1").url()).size());
        JsonNode env = JSON.readTree(eu.get(0).body());
        assertEquals("Notification", env.get("Type").asText());
        assertEquals(resp.messageId(), env.get("MessageId").asText());
        assertEquals(TOPIC, env.get("TopicArn").asText());
        assertEquals(body, env.get("Message").asText());
        assertEquals("s", env.get("Subject").asText());
        assertTrue(env.get("Timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        assertEquals("1", env.get("SignatureVersion").asText());
        assertNotNull(env.get("Signature"));
        assertTrue(env.get("UnsubscribeURL").asText().startsWith(server.endpoint().toString()));
        assertEquals("String", env.at("/MessageAttributes/EgressRegion/Type").asText());
        assertEquals("eu-west-1", env.at("/MessageAttributes/EgressRegion/Value").asText());
    }

    /** Every envelope is signed like SNS's, and only this run's certificate, at its loopback URL, verifies it. */
    @Test
    void envelopesAreSignedWithTheCertificateServedOnLoopbackAndOnlyLocalTrustAcceptsThem() throws Exception {
        sns.publish(b -> b.topicArn(TOPIC).message("{\"Messages\":[]}").subject("signed")
                .messageAttributes(Map.of("EgressRegion", str("eu-west-1"))));
        JsonNode env = JSON.readTree(drain(queues.of("eu-west-1").url()).get(0).body());
        String url = env.get("SigningCertURL").asText();
        assertEquals(server.endpoint() + LocalSigningKey.CERT_PATH, url);
        assertEquals("127.0.0.1", java.net.URI.create(url).getHost());

        var served = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url)).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, served.statusCode());
        var cert = java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(served.body()));
        assertEquals(fanout.signingKey().certificate(), cert);

        var local = new com.proxylity.packetsource.core.snsauth.SnsSignatureVerifier(fanout.signingKey().trust());
        local.verify(env);
        var tampered = ((com.fasterxml.jackson.databind.node.ObjectNode) env.deepCopy()).put("TopicArn", TOPIC + "-other");
        assertThrows(com.proxylity.packetsource.core.snsauth.BadSignatureException.class, () -> local.verify(tampered));
        // Another run's key, and production's rules, refuse it.
        var otherRun = new com.proxylity.packetsource.core.snsauth.SnsSignatureVerifier(LocalSigningKey.generate().trust());
        assertThrows(com.proxylity.packetsource.core.snsauth.BadSignatureException.class, () -> otherRun.verify(env));
        assertThrows(com.proxylity.packetsource.core.snsauth.BadSignatureException.class,
                () -> com.proxylity.packetsource.core.snsauth.SigningCertUrl.check(url));
    }

    @Test
    void publishWithoutEgressRegionOrForAnotherRegionIsAcceptedAndFiltered() {
        long before = fanout.filtered();
        sns.publish(b -> b.topicArn(TOPIC).message("{}"));
        sns.publish(b -> b.topicArn(TOPIC).message("{}").messageAttributes(Map.of("EgressRegion", str("ap-south-1"))));
        sns.publish(b -> b.topicArn(TOPIC).message("{}").messageAttributes(Map.of("EgressRegion",
                MessageAttributeValue.builder().dataType("Number").stringValue("1").build())));
        assertEquals(before + 3, fanout.filtered());
        assertEquals(0, drain(queues.of("us-east-1").url()).size());
        assertEquals(0, drain(queues.of("eu-west-1").url()).size());
    }

    @Test
    void publishBatchDeliversEachEntryByItsOwnAttribute() throws Exception {
        var r = sns.publishBatch(b -> b.topicArn(TOPIC).publishBatchRequestEntries(
                PublishBatchRequestEntry.builder().id("a").message("m-a").messageAttributes(Map.of("EgressRegion", str("us-east-1"))).build(),
                PublishBatchRequestEntry.builder().id("b").message("m-b").messageAttributes(Map.of("EgressRegion", str("eu-west-1"))).build(),
                PublishBatchRequestEntry.builder().id("c").message("m-c").build()));
        assertEquals(3, r.successful().size());
        assertEquals(List.of("a", "b", "c"), r.successful().stream().map(s -> s.id()).toList());
        assertTrue(r.failed().isEmpty());
        List<Message> us = drain(queues.of("us-east-1").url());
        assertEquals(1, us.size());
        assertEquals("m-a", JSON.readTree(us.get(0).body()).get("Message").asText());
        assertEquals(r.successful().get(0).messageId(), JSON.readTree(us.get(0).body()).get("MessageId").asText());
        List<Message> eu = drain(queues.of("eu-west-1").url());
        assertEquals("m-b", JSON.readTree(eu.get(0).body()).get("Message").asText());
    }

    @Test
    void arrayAttributesAndJsonMessageStructureFollowSnsRules() throws Exception {
        sns.publish(b -> b.topicArn(TOPIC).message("{\"default\":\"d\",\"sqs\":\"for-sqs\"}").messageStructure("json")
                .messageAttributes(Map.of("EgressRegion", MessageAttributeValue.builder().dataType("String.Array")
                        .stringValue("[\"ap-south-1\",\"eu-west-1\"]").build())));
        List<Message> eu = drain(queues.of("eu-west-1").url());
        assertEquals(1, eu.size());
        assertEquals("for-sqs", JSON.readTree(eu.get(0).body()).get("Message").asText());
        assertEquals("String.Array", JSON.readTree(eu.get(0).body()).at("/MessageAttributes/EgressRegion/Type").asText());
        assertThrows(InvalidParameterException.class,
                () -> sns.publish(b -> b.topicArn(TOPIC).message("{\"sqs\":\"x\"}").messageStructure("json")));
    }

    /**
     * The JSON 1.0 form, for SDKs that send SNS as JSON (the pinned one sends Query, so this is
     * raw HTTP shaped after the SNS API reference, not a real SDK).
     */
    @Test
    void jsonProtocolPublishesToo() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String body = "{\"TopicArn\":\"" + TOPIC + "\",\"PublishBatchRequestEntries\":[{\"Id\":\"x\",\"Message\":\"json-proto\","
                + "\"MessageAttributes\":{\"EgressRegion\":{\"DataType\":\"String\",\"StringValue\":\"us-east-1\"}}}]}";
        var resp = http.send(java.net.http.HttpRequest.newBuilder(server.endpoint())
                .header("Content-Type", "application/x-amz-json-1.0").header("X-Amz-Target", "SNS_20100331.PublishBatch")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, resp.statusCode());
        JsonNode out = JSON.readTree(resp.body());
        assertEquals("x", out.at("/Successful/0/Id").asText());
        List<Message> us = drain(queues.of("us-east-1").url());
        assertEquals(1, us.size());
        assertEquals("json-proto", JSON.readTree(us.get(0).body()).get("Message").asText());
        assertEquals(out.at("/Successful/0/MessageId").asText(), JSON.readTree(us.get(0).body()).get("MessageId").asText());

        var missing = http.send(java.net.http.HttpRequest.newBuilder(server.endpoint())
                .header("Content-Type", "application/x-amz-json-1.0").header("X-Amz-Target", "SNS_20100331.Publish")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"TopicArn\":\"" + TOPIC + "-no\",\"Message\":\"m\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertEquals("NotFound;Sender", missing.headers().firstValue("x-amzn-query-error").orElse(""));
        assertTrue(JSON.readTree(missing.body()).get("__type").asText().endsWith("NotFound"));
    }

    @Test
    void errorsUseTheAwsShapes() {
        var nf = assertThrows(NotFoundException.class, () -> sns.publish(b -> b.topicArn(TOPIC + "-nope").message("x")));
        assertEquals(404, nf.statusCode());
        assertEquals("NotFound", nf.awsErrorDetails().errorCode());
        var ip = assertThrows(InvalidParameterException.class, () -> sns.publish(b -> b.topicArn(TOPIC).message("")));
        assertEquals("InvalidParameter", ip.awsErrorDetails().errorCode());
        assertThrows(InvalidParameterException.class,
                () -> sns.publish(b -> b.topicArn(TOPIC).message("x".repeat(QueryRequest.MAX_MESSAGE_BYTES + 1))));
    }

    /** Issue 9, defect 3: a client's bad percent-escape is its own error (400), never a 500 the SDK would retry. */
    @Test
    void malformedPercentEncodingIs400InvalidParameterInTheSnsXmlShape() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String body : new String[] {
                "Action=Publish&TopicArn=" + TOPIC + "&Message=%zz",
                "Action=Publish&TopicArn=" + TOPIC + "&Message=abc%",
                "Action=Publish&TopicArn=" + TOPIC + "&Mess%4=x",
        }) {
            var r = http.send(java.net.http.HttpRequest.newBuilder(server.endpoint())
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), body);
            assertTrue(r.body().contains("<ErrorResponse"), r.body());
            assertTrue(r.body().contains("<Type>Sender</Type>"), r.body());
            assertTrue(r.body().contains("<Code>InvalidParameter</Code>"), r.body());
        }
    }

    /**
     * Issue 9, defect 3: clients that trickle a request must not delay a Publish. With the JDK
     * server's four handler threads, 8 such clients held them for the 10 s read limit; the SDK
     * call below then timed out (its 5 s API-call timeout is a liveness bound, not a figure).
     */
    @Test
    void slowClientsDoNotDelayAPublish() throws Exception {
        List<java.net.Socket> slow = new java.util.ArrayList<>();
        try (SnsClient quick = SnsClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.apiCallTimeout(java.time.Duration.ofSeconds(5))).build()) {
            for (int i = 0; i < 32; i++) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", server.endpoint().getPort());
                String head = i % 2 == 0 ? "POST / HTTP/1.1\r\nHost: sns\r\n"
                        : "POST / HTTP/1.1\r\nHost: sns\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                                + "Content-Length: 1000\r\n\r\nAction=Publish";
                s.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                slow.add(s);
            }
            Await.until("every slow client is connected", () -> server.openConnections() >= 32);
            for (int i = 0; i < 3; i++) {
                assertNotNull(quick.publish(b -> b.topicArn(TOPIC).message("while slow clients wait")
                        .messageAttributes(Map.of("EgressRegion", str("us-east-1")))).messageId());
            }
        } finally {
            for (java.net.Socket s : slow) s.close();
        }
        int got = 0;
        for (int i = 0; i < 5 && got < 3; i++) got += drain(queues.of("us-east-1").url()).size();
        assertEquals(3, got);
    }

    /** Requests written back to back on one connection are each answered, in order. */
    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        String ok = "Action=Publish&TopicArn=" + TOPIC + "&Message=pipelined";
        String bad = "Action=Publish&TopicArn=" + TOPIC + "&Message=";
        StringBuilder wire = new StringBuilder();
        for (String body : new String[] {ok, bad, ok}) {
            wire.append("POST / HTTP/1.1\r\nHost: sns\r\nContent-Type: application/x-www-form-urlencoded\r\n")
                    .append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
        }
        wire.append("POST / HTTP/1.1\r\nHost: sns\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.endpoint().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(wire.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answers = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            List<String> statuses = java.util.regex.Pattern.compile("HTTP/1\\.1 (\\d{3})").matcher(answers).results()
                    .map(m -> m.group(1)).toList();
            assertEquals(List.of("200", "400", "200", "400"), statuses, answers);
        }
        assertEquals(0, drain(queues.of("us-east-1").url()).size(), "no EgressRegion: accepted and filtered, as SNS does");
    }

    @Test
    void publishBatchIsBoundedAsAWholeAsSnsBoundsIt() {
        long published = fanout.published();
        List<PublishBatchRequestEntry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            entries.add(PublishBatchRequestEntry.builder().id("big" + i).message("y".repeat(100_000))
                    .messageAttributes(Map.of("EgressRegion", str("us-east-1"))).build());
        }
        var e = assertThrows(BatchRequestTooLongException.class,
                () -> sns.publishBatch(b -> b.topicArn(TOPIC).publishBatchRequestEntries(entries)));
        assertEquals("BatchRequestTooLong", e.awsErrorDetails().errorCode());
        assertEquals(published, fanout.published(), "nothing of a refused batch is published");
        assertEquals(0, drain(queues.of("us-east-1").url()).size());
        // Two of them fit the 256 KiB together.
        var ok = sns.publishBatch(b -> b.topicArn(TOPIC).publishBatchRequestEntries(entries.subList(0, 2)));
        assertEquals(2, ok.successful().size());
        assertEquals(2, drain(queues.of("us-east-1").url()).size());
    }

    @Test
    void anArrayAttributeReachesEverySubscriptionItMatchesAsSnsDelivers() throws Exception {
        String id = sns.publish(b -> b.topicArn(TOPIC).message("both").messageAttributes(Map.of("EgressRegion",
                MessageAttributeValue.builder().dataType("String.Array").stringValue("[\"eu-west-1\",\"us-east-1\"]").build())))
                .messageId();
        for (String region : List.of("us-east-1", "eu-west-1")) {
            List<Message> got = drain(queues.of(region).url());
            assertEquals(1, got.size(), region);
            assertEquals(id, JSON.readTree(got.get(0).body()).get("MessageId").asText(), "one message, one id, a copy per subscription");
        }
    }

    @Test
    void batchEntryIdsFollowTheSnsSpecification() {
        long published = fanout.published();
        for (String bad : List.of("m.1", "with space", "x".repeat(81))) {
            var e = assertThrows(InvalidBatchEntryIdException.class, () -> sns.publishBatch(b -> b.topicArn(TOPIC)
                    .publishBatchRequestEntries(PublishBatchRequestEntry.builder().id(bad).message("m").build())), bad);
            assertEquals("InvalidBatchEntryId", e.awsErrorDetails().errorCode());
        }
        assertEquals(published, fanout.published());
        var ok = sns.publishBatch(b -> b.topicArn(TOPIC).publishBatchRequestEntries(
                PublishBatchRequestEntry.builder().id("A-z_09" + "x".repeat(74)).message("m").build()));
        assertEquals(1, ok.successful().size());
    }

    @Test
    void aBadBatchEntryFailsAloneAndItsSiblingsArePublished() throws Exception {
        var r = sns.publishBatch(b -> b.topicArn(TOPIC).publishBatchRequestEntries(
                PublishBatchRequestEntry.builder().id("good").message("kept").messageAttributes(Map.of("EgressRegion", str("us-east-1"))).build(),
                PublishBatchRequestEntry.builder().id("bad").message("m").messageAttributes(Map.of("X",
                        MessageAttributeValue.builder().dataType("Weird").stringValue("v").build())).build(),
                PublishBatchRequestEntry.builder().id("empty").message("").build()));
        assertEquals(List.of("good"), r.successful().stream().map(s -> s.id()).toList());
        assertEquals(List.of("bad", "empty"), r.failed().stream().map(f -> f.id()).toList());
        r.failed().forEach(f -> {
            assertEquals("InvalidParameter", f.code());
            assertTrue(f.senderFault());
            assertNotNull(f.message());
        });
        List<Message> us = drain(queues.of("us-east-1").url());
        assertEquals(1, us.size());
        assertEquals("kept", JSON.readTree(us.get(0).body()).get("Message").asText());
    }

    @Test
    void subjectsFollowTheSnsRule() {
        for (String bad : List.of("two\nlines", "tab\there", "s".repeat(100))) {
            assertThrows(InvalidParameterException.class, () -> sns.publish(b -> b.topicArn(TOPIC).message("m").subject(bad)), bad);
        }
        assertNotNull(sns.publish(b -> b.topicArn(TOPIC).message("m").subject("Capteur 7 : é ok!" + "s".repeat(82))).messageId());
    }
}
