package com.proxylity.packetsource.sender.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 9, defect 3: a flood of rejected requests writes a bounded number of lines, and says how many it left out. */
class RateLimitedLogTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @AfterEach
    void restore() {
        JsonLog.redirect(System.out);
    }

    @Test
    void atMostNLinesPerSecondThenASuppressedCount() {
        JsonLog.redirect(new PrintStream(out, true, StandardCharsets.UTF_8));
        AtomicLong now = new AtomicLong(0);
        RateLimitedLog log = new RateLimitedLog(JsonLog.of(RateLimitedLogTest.class), 10, now::get);
        for (int i = 0; i < 10_000; i++) log.warn("egress-request-rejected", "reason", "Unauthorized");
        assertEquals(10, lines().length, "the first second's budget");
        assertEquals(9_990, log.suppressed());
        now.set(1_000_000_000L);
        log.warn("egress-request-rejected", "reason", "Unauthorized");
        String[] lines = lines();
        assertEquals(11, lines.length);
        assertTrue(lines[10].contains("\"suppressed\":9990"), lines[10]);
        assertEquals(0, log.suppressed());
    }

    private String[] lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toArray(String[]::new);
    }
}
