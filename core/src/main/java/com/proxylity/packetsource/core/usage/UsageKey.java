package com.proxylity.packetsource.core.usage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One usage record: a source's counts in one UTC hour of one region (the table is regional).
 *
 * @param hour epoch seconds of the hour's start
 */
public record UsageKey(UsageSource source, long hour) {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH'Z'").withZone(ZoneOffset.UTC);

    /** The hour bucket an instant falls in. */
    public static long hourOf(long epochMillis) {
        return Math.floorDiv(epochMillis, 3_600_000L) * 3600L;
    }

    /** {@code 2026-12-06T16Z}: sorts as time does, so a range of hours is a range of keys. */
    public static String hourText(long hour) {
        return HOUR.format(Instant.ofEpochSecond(hour));
    }

    public String hourText() {
        return hourText(hour);
    }
}
