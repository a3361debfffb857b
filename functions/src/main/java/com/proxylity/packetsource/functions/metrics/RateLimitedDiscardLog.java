package com.proxylity.packetsource.functions.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.pipeline.Discard;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One JSON line per discard, bounded per execution environment by a token bucket of
 * {@code perSecond} lines (burst the same), so a flood of bad messages costs at most that many
 * lines a second however many it sends. Lines the bucket refuses are counted and reported in a
 * {@value #SUPPRESSED} line at most once a second, so the log never hides that it is incomplete.
 * Fields are the Discard's own (its Detail names fields and rules, never payload bytes), cut to
 * fixed lengths so no input can make one line large.
 */
public final class RateLimitedDiscardLog implements DiscardLog {
    public static final String DISCARD = "PacketDiscarded";
    public static final String SUPPRESSED = "PacketDiscardLinesSuppressed";
    public static final int DEFAULT_PER_SECOND = 10;
    static final int MAX_ID = 128;
    static final int MAX_TOPIC = 256;
    static final int MAX_DETAIL = 200;
    private static final long SECOND = 1_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int perSecond;
    private final LongSupplier nanos;
    private final Consumer<String> sink;
    private double tokens;
    private long refilledAt;
    private long suppressed;
    private long reportedAt;

    /**
     * @param nanos a monotonic clock ({@code System::nanoTime}); tests pass their own
     * @param sink where each line goes: stdout in Lambda, which CloudWatch Logs stores line by line
     */
    public RateLimitedDiscardLog(int perSecond, LongSupplier nanos, Consumer<String> sink) {
        if (perSecond < 1) throw new IllegalArgumentException("perSecond must be at least 1");
        this.perSecond = perSecond;
        this.nanos = nanos;
        this.sink = sink;
        this.tokens = perSecond;
        this.refilledAt = nanos.getAsLong();
        this.reportedAt = refilledAt;
    }

    private static final class Shared {
        static final RateLimitedDiscardLog INSTANCE = new RateLimitedDiscardLog(fromEnv(), System::nanoTime,
                line -> System.out.println(line));

        private static int fromEnv() {
            String v = System.getenv("PACKET_SOURCE_DISCARD_LOG_PER_SECOND");
            try {
                return v == null || v.isBlank() ? DEFAULT_PER_SECOND : Math.max(1, Integer.parseInt(v.trim()));
            } catch (NumberFormatException e) {
                return DEFAULT_PER_SECOND;
            }
        }
    }

    /** The one bucket of this execution environment, shared by every handler in it. */
    public static RateLimitedDiscardLog shared() {
        return Shared.INSTANCE;
    }

    @Override
    public synchronized void discarded(Discard discard, String topicArn, String listener) {
        long now = nanos.getAsLong();
        tokens = Math.min(perSecond, tokens + (now - refilledAt) / (double) SECOND * perSecond);
        refilledAt = now;
        if (tokens < 1) {
            suppressed++;
            return;
        }
        tokens -= 1;
        ObjectNode n = JSON.createObjectNode();
        n.put("Type", DISCARD);
        n.put("Id", cut(discard.id(), MAX_ID));
        if (topicArn == null) n.putNull("PacketSource");
        else n.put("PacketSource", cut(topicArn, MAX_TOPIC));
        if (listener == null) n.putNull("Listener");
        else n.put("Listener", cut(listener, MAX_ID));
        n.put("Reason", discard.reason() == null ? null : discard.reason().name());
        n.put("Detail", cut(discard.detail(), MAX_DETAIL));
        sink.accept(n.toString());
    }

    @Override
    public synchronized void endOfInvocation() {
        long now = nanos.getAsLong();
        if (suppressed == 0 || now - reportedAt < SECOND) return;
        ObjectNode n = JSON.createObjectNode();
        n.put("Type", SUPPRESSED);
        n.put("Suppressed", suppressed);
        n.put("PerSecond", perSecond);
        sink.accept(n.toString());
        suppressed = 0;
        reportedAt = now;
    }

    private static String cut(String s, int max) {
        if (s == null) return null;
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
