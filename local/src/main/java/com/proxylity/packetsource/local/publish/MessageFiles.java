package com.proxylity.packetsource.local.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what {@code publish} sends from files of three shapes:
 * <ul>
 *   <li>a bare message body ({@code {"Messages":[...]}}, or any other JSON/text: sent as is);</li>
 *   <li>an SNS notification envelope ({@code "Type":"Notification"}): its {@code Message} and
 *       {@code MessageAttributes};</li>
 *   <li>an SQS event as in {@code test-events/} ({@code {"Records":[...]}} or a Pipe's array of
 *       records), each record's {@code body} being such an envelope.</li>
 * </ul>
 * A message taken from an envelope keeps the envelope's attributes; {@code --region} sets
 * {@code EgressRegion} on every message. Without {@code --region}, an event without the
 * attribute (or a bare body) is published without it, and SNS filters it.
 */
public final class MessageFiles {
    /** A message to publish; {@code attributes} null means "none given, use --region". */
    public record Outgoing(String source, String message, Map<String, String> attributes) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far above the 256 KiB SNS limit, yet bounded: a wrong file name never fills the heap. */
    static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

    private MessageFiles() {}

    public static List<Outgoing> read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            // The JDK's own message ("Is a directory") does not say which argument it was.
            throw new IOException(file + " is a directory: give the message files in it, e.g. " + file.resolve("*.json"));
        }
        if (Files.size(file) > MAX_FILE_BYTES) throw new IOException(file + ": larger than " + MAX_FILE_BYTES + " bytes");
        String text = Files.readString(file);
        String name = file.getFileName().toString();
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException notJson) {
            return List.of(new Outgoing(name, text, null));
        }
        if (isManifest(root)) return List.of();
        List<Outgoing> out = new ArrayList<>();
        JsonNode records = root == null ? null : root.isArray() ? root : root.get("Records");
        if (records != null && records.isArray()) {
            int i = 0;
            for (JsonNode r : records) {
                String label = name + "#" + i++;
                JsonNode body = r.get("body");
                if (body == null) body = r.path("Sns"); // an SNS-triggered Lambda event record
                if (body.isTextual()) {
                    JsonNode env;
                    try {
                        env = JSON.readTree(body.textValue());
                    } catch (IOException e) {
                        out.add(new Outgoing(label, body.textValue(), null));
                        continue;
                    }
                    out.add(fromEnvelopeOrBody(label, env, body.textValue()));
                } else if (body.isObject()) {
                    out.add(fromEnvelopeOrBody(label, body, body.toString()));
                }
            }
            return out;
        }
        return List.of(fromEnvelopeOrBody(name, root, text));
    }

    /**
     * {@code test-events/expected.json} sits beside the events, so {@code publish test-events/*.json}
     * (as the docs show) must not publish it as a message: it is recognised as dry-run recognises it.
     */
    static boolean isManifest(JsonNode root) {
        return root != null && root.path("files").isObject() && root.path("registry").isObject();
    }

    private static Outgoing fromEnvelopeOrBody(String label, JsonNode node, String raw) {
        if (node != null && node.isObject() && node.has("Message") && node.has("TopicArn")) {
            Map<String, String> attrs = new LinkedHashMap<>();
            node.path("MessageAttributes").properties().forEach(e -> {
                JsonNode v = e.getValue();
                attrs.put(e.getKey(), v.path("Value").asText(v.path("StringValue").asText("")));
            });
            JsonNode m = node.get("Message");
            return new Outgoing(label, m.isTextual() ? m.textValue() : m.toString(), attrs);
        }
        return new Outgoing(label, raw, null);
    }
}
