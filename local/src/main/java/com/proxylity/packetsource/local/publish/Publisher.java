package com.proxylity.packetsource.local.publish;

import com.proxylity.packetsource.local.sqs.Sqs;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import java.time.Duration;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import com.proxylity.packetsource.local.sns.LocalSnsServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import com.proxylity.packetsource.local.sns.QueryRequest;
import software.amazon.awssdk.core.exception.SdkException;
import java.util.Set;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;
import java.net.URLEncoder;

/**
 * Publishes with the real AWS SDK v2 SnsClient, the way a customer's application does: to the
 * local endpoint (override + dummy credentials) or to real SNS (default credential chain).
 */
public final class Publisher implements AutoCloseable {
    private final SnsClient sns;
    private final String topicArn;
    private final URI endpoint;

    public Publisher(URI endpoint, String clientRegion, String topicArn) {
        var b = SnsClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(clientRegion));
        if (endpoint != null) b.endpointOverride(endpoint).credentialsProvider(Sqs.dummyCredentials());
        this.sns = b.build();
        this.topicArn = topicArn;
        this.endpoint = endpoint;
    }

    static Map<String, MessageAttributeValue> attributes(MessageFiles.Outgoing m, String region) {
        Map<String, String> plain = new LinkedHashMap<>(m.attributes() == null ? Map.of() : m.attributes());
        if (region != null) plain.put("EgressRegion", region);
        Map<String, MessageAttributeValue> out = new LinkedHashMap<>();
        plain.forEach((k, v) -> out.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        return out;
    }

    /** One Publish per message; returns the SNS MessageIds. */
    public List<String> publish(List<MessageFiles.Outgoing> messages, String region) {
        List<String> ids = new ArrayList<>();
        for (MessageFiles.Outgoing m : messages) {
            ids.add(sns.publish(b -> b.topicArn(topicArn).message(m.message())
                    .messageAttributes(attributes(m, region))).messageId());
        }
        return ids;
    }

    /** SNS's limits on one PublishBatch, as the local SNS enforces them: entries, and their messages and attributes together. */
    public static final int BATCH_ENTRIES = QueryRequest.MAX_BATCH_ENTRIES;
    public static final int BATCH_BYTES = QueryRequest.MAX_MESSAGE_BYTES;

    /**
     * The batches PublishBatch takes: in order, up to {@value #BATCH_ENTRIES} entries and
     * {@value #BATCH_BYTES} bytes each (a message alone above that is its own batch, for SNS to refuse).
     */
    public static List<List<Integer>> batches(List<MessageFiles.Outgoing> messages, String region) {
        List<List<Integer>> out = new ArrayList<>();
        List<Integer> cur = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < messages.size(); i++) {
            long size = size(messages.get(i), region);
            if (!cur.isEmpty() && (cur.size() == BATCH_ENTRIES || bytes + size > BATCH_BYTES)) {
                out.add(cur);
                cur = new ArrayList<>();
                bytes = 0;
            }
            cur.add(i);
            bytes += size;
        }
        if (!cur.isEmpty()) out.add(cur);
        return out;
    }

    /** What SNS counts of a message: its body and each attribute's name, type and value, in UTF-8. */
    static long size(MessageFiles.Outgoing m, String region) {
        long n = m.message().getBytes(StandardCharsets.UTF_8).length;
        for (var a : attributes(m, region).entrySet()) {
            n += a.getKey().getBytes(StandardCharsets.UTF_8).length + a.getValue().dataType().length()
                    + a.getValue().stringValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return n;
    }

    /** The regions whose delivery queues are subscribed to the topic (none: an empty set); unknown when the caller may not list them. */
    public Optional<Set<String>> servedRegions() {
        if (endpoint != null) return localRegions();
        try {
            Set<String> regions = new TreeSet<>();
            sns.listSubscriptionsByTopicPaginator(b -> b.topicArn(topicArn)).subscriptions().forEach(s -> {
                String[] arn = s.endpoint() == null ? new String[0] : s.endpoint().split(":");
                if ("sqs".equals(s.protocol()) && arn.length == 6 && arn[5].equals(DeploymentNumbers.deliveryQueueName(arn[3]))) regions.add(arn[3]);
            });
            return Optional.of(regions);
        } catch (SdkException e) {
            return Optional.empty();
        }
    }

    /** Local mode answers which regions it serves; another endpoint may not, and then nothing is known. */
    private Optional<Set<String>> localRegions() {
        try {
            var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            var r = http.send(HttpRequest.newBuilder(URI.create(endpoint.toString().replaceAll("/+$", "")
                    + LocalSnsServer.REGIONS_PATH + "/"
                    + URLEncoder.encode(topicArn, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) return Optional.empty();
            Set<String> regions = new TreeSet<>();
            new ObjectMapper().readTree(r.body()).forEach(n -> regions.add(n.asText()));
            return Optional.of(regions);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** PublishBatch in {@link #batches}; returns the MessageIds in order. */
    public List<String> publishBatch(List<MessageFiles.Outgoing> messages, String region) {
        List<String> ids = new ArrayList<>();
        for (List<Integer> batch : batches(messages, region)) {
            List<PublishBatchRequestEntry> entries = new ArrayList<>();
            for (int i : batch) {
                MessageFiles.Outgoing m = messages.get(i);
                entries.add(PublishBatchRequestEntry.builder().id("m" + i).message(m.message())
                        .messageAttributes(attributes(m, region)).build());
            }
            var r = sns.publishBatch(b -> b.topicArn(topicArn).publishBatchRequestEntries(entries));
            if (!r.failed().isEmpty()) {
                var f = r.failed().get(0);
                throw new IllegalStateException("PublishBatch entry " + f.id() + " failed: " + f.code() + " " + f.message());
            }
            r.successful().forEach(s -> ids.add(s.messageId()));
        }
        return ids;
    }

    @Override
    public void close() {
        sns.close();
    }
}
