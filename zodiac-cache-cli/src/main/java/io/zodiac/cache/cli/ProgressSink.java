package io.zodiac.cache.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** Where a running phase of the demo reports its progress. */
interface ProgressSink {

    /** How often {@link #follow} reports. */
    long TICK_MILLIS = 100;

    /**
     * The phase's progress so far; {@code last} is true once, when the phase is over.
     *
     * @param elapsedNanos the time since the phase started
     * @param requests the requests answered so far
     * @param sourceCalls the calls of the slow source so far
     */
    void update(long elapsedNanos, long requests, long sourceCalls, boolean last);

    /** Reports every {@link #TICK_MILLIS} until {@code finished} opens, then once more as the last update. */
    default void follow(CountDownLatch finished, long startNanos, LongSupplier requests, LongSupplier sourceCalls)
            throws InterruptedException {
        while (!finished.await(TICK_MILLIS, TimeUnit.MILLISECONDS)) {
            update(System.nanoTime() - startNanos, requests.getAsLong(), sourceCalls.getAsLong(), false);
        }
        update(System.nanoTime() - startNanos, requests.getAsLong(), sourceCalls.getAsLong(), true);
    }
}
