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

/**
 * Publishes with the real AWS SDK v2 SnsClient, the way a customer's application does: to the
 * local endpoint (override + dummy credentials) or to real SNS (default credential chain).
 */
public final class Publisher implements AutoCloseable {
    private final SnsClient sns;
    private final String topicArn;

    public Publisher(URI endpoint, String clientRegion, String topicArn) {
        var b = SnsClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.of(clientRegion));
        if (endpoint != null) b.endpointOverride(endpoint).credentialsProvider(Sqs.dummyCredentials());
        this.sns = b.build();
        this.topicArn = topicArn;
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

    /** PublishBatch in groups of up to 10 (the SNS limit); returns the MessageIds in order. */
    public List<String> publishBatch(List<MessageFiles.Outgoing> messages, String region) {
        List<String> ids = new ArrayList<>();
        for (int from = 0; from < messages.size(); from += 10) {
            List<PublishBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(messages.size(), from + 10); i++) {
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
