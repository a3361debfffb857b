package com.proxylity.packetsource.local.sns;

import java.util.Map;

/** One message to publish: the body of Publish, or one entry of PublishBatch. */
public record PublishEntry(String id, String message, String subject, Map<String, MessageAttribute> attributes) {
    public PublishEntry {
        attributes = Map.copyOf(attributes);
    }
}
