package com.proxylity.packetsource.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.proxylity.packetsource.core.pipeline.SqsRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a dry-run file holds: SQS records ({@code {"Records":[...]}} as Lambda sees them, or a
 * bare array as a Pipe passes them), one SNS envelope, or a bare {@code {"Messages":[...]}} body.
 * Anything else (including JSON the pipeline's strict reader refuses: duplicate keys, trailing
 * data such as {@code []]}) is treated as a bare body, so the pipeline's own checks report it.
 * A batch with no records is an error, never silently nothing.
 */
record MessageFile(Path path, List<SqsRecord> records, String bareBody, boolean isManifest) {
    /** Event files hold at most a batch of 10 records of 256 KiB each, plus JSON quoting. */
    static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
    /**
     * As strict as the pipeline's reader ({@code core.contract.Json}): duplicate keys, trailing
     * tokens and NaN are errors. Only the string limit is the file's, since a file holds whole
     * envelopes as strings; each body is then bounded and parsed by the pipeline itself.
     */
    private static final ObjectMapper FILE_READER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(32).maxStringLength((int) MAX_FILE_BYTES).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    /** {@code -} names standard input, as in most tools, so a message can be piped in. */
    static final String STDIN = "-";

    static MessageFile read(Path path) throws IOException {
        return read(path, System.in);
    }

    static MessageFile read(Path path, InputStream stdin) throws IOException {
        byte[] bytes;
        if (path.toString().equals(STDIN)) {
            bytes = stdin.readNBytes((int) MAX_FILE_BYTES + 1);
        } else {
            try (InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
            }
        }
        if (bytes.length > MAX_FILE_BYTES) throw new IOException(path + " is larger than " + MAX_FILE_BYTES + " bytes");
        String text = new String(bytes, StandardCharsets.UTF_8);
        JsonNode root;
        try {
            // The file (bounded above) may hold up to a batch of bodies of the maximum size each;
            // each body is then bounded and parsed strictly by the pipeline itself.
            root = FILE_READER.readTree(text);
        } catch (IOException e) {
            return new MessageFile(path, null, text, false);
        }
        if (root != null && root.path("files").isObject() && root.path("registry").isObject()) {
            return new MessageFile(path, List.of(), null, true); // test-events/expected.json: not a message
        }
        if (root != null && (root.isArray() || root.path("Records").isArray())) {
            JsonNode list = root.isArray() ? root : root.get("Records");
            if (list.isEmpty()) {
                throw new IOException("holds no records (an SQS event or a Pipe batch has 1 to 10)");
            }
            List<SqsRecord> records = new ArrayList<>();
            int i = 0;
            for (JsonNode r : list) {
                String id = r.path("messageId").asText("record-" + i);
                records.add(new SqsRecord(id, r.path("body").isTextual() ? r.get("body").textValue() : null));
                i++;
            }
            return new MessageFile(path, records, null, false);
        }
        if (root != null && root.has("TopicArn") && root.has("Type")) {
            String id = root.path("MessageId").asText("envelope");
            return new MessageFile(path, List.of(new SqsRecord(id, text)), null, false);
        }
        return new MessageFile(path, null, text, false);
    }

    /** Id base for a bare body: the file name, so Ids read "body.json/0". */
    String bareId() {
        return path.getFileName().toString();
    }
}
