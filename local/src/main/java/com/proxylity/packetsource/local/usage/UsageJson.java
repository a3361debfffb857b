package com.proxylity.packetsource.local.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.usage.UsageKey;
import com.proxylity.packetsource.core.usage.UsageRecord;
import java.util.Map;
import java.util.TreeMap;

/** A usage record as JSON: what {@code packet-source usage --format json} prints and local mode serves. */
public final class UsageJson {
    public static final ObjectMapper JSON = new ObjectMapper();

    private UsageJson() {}

    public static ObjectNode write(UsageRecord r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("region", r.region());
        o.put("customerId", r.customerId());
        o.put("sourceId", r.sourceId());
        o.put("topicArn", r.topicArn());
        o.put("hour", UsageKey.hourText(r.hour()));
        o.put("hourEpochSeconds", r.hour());
        o.put("messagesReceived", r.messages());
        o.put("packetsDelivered", r.delivered());
        o.put("bytesDelivered", r.bytes());
        ObjectNode d = o.putObject("packetsDiscarded");
        new TreeMap<>(r.discarded()).forEach(d::put);
        return o;
    }

    public static UsageRecord read(JsonNode o) {
        Map<String, Long> discarded = new TreeMap<>();
        o.path("packetsDiscarded").fields().forEachRemaining(e -> discarded.put(e.getKey(), e.getValue().asLong()));
        return new UsageRecord(o.path("region").asText(null), o.path("customerId").asText(), o.path("sourceId").asText(),
                o.path("topicArn").asText(null), o.path("hourEpochSeconds").asLong(), o.path("messagesReceived").asLong(),
                o.path("packetsDelivered").asLong(), o.path("bytesDelivered").asLong(), discarded);
    }
}
