package io.zodiac.cache.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for process readiness: checks a condition every few milliseconds until a deadline. */
final class Poll {

    static final Duration INTERVAL = Duration.ofMillis(25);

    private Poll() {
    }

    /**
     * Evaluates {@code condition} until it is true or {@code timeout} has elapsed.
     *
     * @return whether the condition became true in time
     */
    static boolean until(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            pause(INTERVAL);
        }
    }

    static void pause(Duration interval) {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
