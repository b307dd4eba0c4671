package io.zodiac.cache.cli;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The demo's data source: a database or a remote service that takes {@code latency} to answer
 * each read, in the calling thread. Counts its calls, in total and per key.
 */
final class SlowSource {

    private final long latencyNanos;
    private final AtomicIntegerArray callsPerKey;
    private final LongAdder calls = new LongAdder();

    SlowSource(Duration latency, int keys) {
        this.latencyNanos = latency.toNanos();
        this.callsPerKey = new AtomicIntegerArray(keys);
    }

    /** Reads the value of key {@code index}, taking the source's latency. */
    String load(int index) {
        calls.increment();
        callsPerKey.incrementAndGet(index);
        try {
            TimeUnit.NANOSECONDS.sleep(latencyNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + Workload.key(index), e);
        }
        return value(index);
    }

    /** The value the source answers for key {@code index}. */
    static String value(int index) {
        return "value of " + Workload.key(index);
    }

    /** Calls so far. */
    long calls() {
        return calls.sum();
    }

    /** Calls so far for key {@code index}. */
    int calls(int index) {
        return callsPerKey.get(index);
    }
}
