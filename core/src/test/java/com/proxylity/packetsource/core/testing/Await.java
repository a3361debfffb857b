package com.proxylity.packetsource.core.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one way tests wait: for a state they can observe (a connection accepted, a request in
 * progress, a record written), never for a length of time. The limit only bounds a test that
 * would otherwise hang; it is no measurement, and reaching it fails the test naming what never
 * happened. Every module's tests reach this class through the core test-jar.
 */
public final class Await {
    /** Far beyond anything a passing test waits on this machine; only a broken one reaches it. */
    public static final Duration LIMIT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 10;

    private Await() {}

    /** Returns once {@code condition} holds; fails with {@code what} if it does not within {@link #LIMIT}. */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        until(what, LIMIT, condition);
    }

    public static void until(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("never happened: " + what);
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** The first value {@code probe} gives; fails with {@code what} if it gives none within {@link #LIMIT}. */
    public static <T> T value(String what, Supplier<Optional<T>> probe) throws InterruptedException {
        return value(what, LIMIT, probe);
    }

    public static <T> T value(String what, Duration limit, Supplier<Optional<T>> probe) throws InterruptedException {
        Object[] found = new Object[1];
        until(what, limit, () -> {
            Optional<T> v = probe.get();
            v.ifPresent(x -> found[0] = x);
            return v.isPresent();
        });
        @SuppressWarnings("unchecked")
        T t = (T) found[0];
        return t;
    }
}
