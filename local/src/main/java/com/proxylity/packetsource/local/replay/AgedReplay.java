package com.proxylity.packetsource.local.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import java.util.ArrayList;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;

/**
 * Replay with a max age ({@code replay --max-age}): a move task cannot look at messages, so this
 * moves them itself — receive from the DLQ, send each message younger than the max age (by the
 * SNS {@code Timestamp} in its envelope) to the delivery queue, then delete it from the DLQ. An
 * older message is left in the DLQ and counted (never deleted: dropping data is the operator's
 * call, e.g. PurgeQueue). A body that is not an SNS envelope has no age and is moved.
 * At-least-once: a crash between send and delete replays that message twice.
 */
public final class AgedReplay {
    /** What a run did. */
    public record Counts(long moved, long tooOld) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final Clock clock;

    public AgedReplay(SqsClient sqs, Clock clock) {
        this.sqs = sqs;
        this.clock = clock;
    }

    /**
     * @param ratePerSecond at most this many messages moved per second; null: no limit
     */
    public Counts run(String dlqUrl, String destinationUrl, Duration maxAge, Integer ratePerSecond,
                      Consumer<Counts> progress) throws InterruptedException {
        // Old messages stay hidden during the pass, so it sees each message once; they are made
        // visible again at its end (up to MAX_RELEASE of them; any beyond reappear after `hide` s),
        // so the DLQ looks as before to the next replay or to an operator.
        int hide = 300;
        List<String> old = new ArrayList<>();
        try {
            return pass(dlqUrl, destinationUrl, maxAge, ratePerSecond, progress, hide, old);
        } finally {
            release(dlqUrl, old);
        }
    }

    /** At most this many old messages are made visible again at the end (bounds the handles kept). */
    static final int MAX_RELEASE = 10_000;

    private void release(String dlqUrl, List<String> receiptHandles) {
        for (int from = 0; from < receiptHandles.size(); from += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(receiptHandles.size(), from + 10); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(i - from)).receiptHandle(receiptHandles.get(i)).visibilityTimeout(0).build());
            }
            sqs.changeMessageVisibilityBatch(b -> b.queueUrl(dlqUrl).entries(entries));
        }
    }

    private Counts pass(String dlqUrl, String destinationUrl, Duration maxAge, Integer ratePerSecond,
                        Consumer<Counts> progress, int hide, List<String> old) throws InterruptedException {
        long moved = 0;
        long tooOld = 0;
        long started = System.nanoTime();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(dlqUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).visibilityTimeout(hide)).messages();
            if (batch.isEmpty()) break;
            for (Message m : batch) {
                if (olderThan(m.body(), maxAge)) {
                    tooOld++;
                    if (old.size() < MAX_RELEASE) old.add(m.receiptHandle());
                    continue;
                }
                if (ratePerSecond != null) {
                    long due = started + (long) (moved * 1e9 / ratePerSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                sqs.sendMessage(b -> b.queueUrl(destinationUrl).messageBody(m.body()));
                sqs.deleteMessage(b -> b.queueUrl(dlqUrl).receiptHandle(m.receiptHandle()));
                moved++;
            }
            progress.accept(new Counts(moved, tooOld));
        }
        return new Counts(moved, tooOld);
    }

    boolean olderThan(String body, Duration maxAge) {
        try {
            JsonNode env = JSON.readTree(body);
            JsonNode ts = env == null ? null : env.get("Timestamp");
            if (ts == null || !ts.isTextual()) return false;
            return Instant.parse(ts.textValue()).isBefore(clock.instant().minus(maxAge));
        } catch (IOException | DateTimeParseException notAnEnvelope) {
            return false;
        }
    }
}
