package com.proxylity.packetsource.local.stepfunctions;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The input an EventBridge Pipe with an SQS source hands a Step Functions target: a JSON array
 * of SQS records (the Lambda SQS event record shape, camelCase keys).
 */
public final class PipeRecords {
    private PipeRecords() {}

    public static ArrayNode of(List<Message> messages, String queueArn, String region) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode records = f.arrayNode();
        for (Message m : messages) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attrs = r.putObject("attributes");
            for (Map.Entry<MessageSystemAttributeName, String> a : m.attributes().entrySet()) {
                attrs.put(a.getKey().toString(), a.getValue());
            }
            r.putObject("messageAttributes");
            r.put("md5OfBody", m.md5OfBody());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queueArn);
            r.put("awsRegion", region);
        }
        return records;
    }
}
