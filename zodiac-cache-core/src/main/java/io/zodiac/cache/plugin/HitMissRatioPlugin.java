package io.zodiac.cache.plugin;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts hits and misses of {@code get} and {@code getOrSet} calls (a {@code getOrSet} is a hit
 * when it did not run the producer itself), across every cache it is installed on.
 */
public final class HitMissRatioPlugin implements CachePlugin {

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    @Override
    public void post(OperationEvent event) {
        if (event.error() != null) {
            return;
        }
        if (event.operation() == Operation.GET || event.operation() == Operation.GET_OR_SET) {
            (event.hit() ? hits : misses).increment();
        }
    }

    /** The number of hits. */
    public long hits() {
        return hits.sum();
    }

    /** The number of misses. */
    public long misses() {
        return misses.sum();
    }

    /** Hits over reads, 0 when nothing was read. */
    public double hitRatio() {
        long h = hits.sum();
        long total = h + misses.sum();
        return total == 0 ? 0.0 : (double) h / total;
    }

    /** Sets both counters to 0. */
    public void reset() {
        hits.reset();
        misses.reset();
    }

    @Override
    public String toString() {
        return "HitMissRatioPlugin[hits=" + hits() + ", misses=" + misses() + "]";
    }
}
