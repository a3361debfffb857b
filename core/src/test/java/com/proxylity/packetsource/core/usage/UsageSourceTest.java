package com.proxylity.packetsource.core.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The owner a message's usage is counted for, as it crosses the states, and the hour it lands in. */
class UsageSourceTest {
    private static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:orders";

    @Test
    void aSourceCrossesTheStatesAndBackAndAnythingElseIsNoOnes() {
        UsageSource s = UsageSource.of("acme", TOPIC);
        assertEquals(s, UsageSource.parse(s.wire()));
        assertTrue(s.sourceId().matches("[0-9a-f]{16}"));
        assertEquals(UsageSource.OPERATOR, UsageSource.of(null, TOPIC).customerId(), "an operator's own source");
        for (String bad : new String[] {null, "", "acme", "/x", "acme/", "acme/x/y"}) {
            assertNull(UsageSource.parse(bad), String.valueOf(bad));
        }
    }

    @Test
    void anHourBucketIsItsUtcHourAndSortsAsTimeDoes() {
        long h = UsageKey.hourOf(Instant.parse("2026-12-06T16:59:59.999Z").toEpochMilli());
        assertEquals(Instant.parse("2026-12-06T16:00:00Z").getEpochSecond(), h);
        assertEquals("2026-12-06T16Z", UsageKey.hourText(h));
        assertTrue(UsageKey.hourText(h).compareTo(UsageKey.hourText(h + 3600)) < 0);
    }
}
