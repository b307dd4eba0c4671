package io.zodiac.cache.plugin;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/** Count, total, minimum and maximum time of each operation, across every cache it is installed on. */
public final class TimingPlugin implements CachePlugin {

    /** What the plugin measured for one operation. */
    public record Stats(long count, Duration total, Duration min, Duration max) {

        /** The mean time, zero when the operation never ran. */
        public Duration mean() {
            return count == 0 ? Duration.ZERO : total.dividedBy(count);
        }
    }

    private static final class Counter {
        final LongAdder count = new LongAdder();
        final LongAdder totalNanos = new LongAdder();
        final LongAccumulator min = new LongAccumulator(Math::min, Long.MAX_VALUE);
        final LongAccumulator max = new LongAccumulator(Math::max, 0);
    }

    private final Map<Operation, Counter> counters = new EnumMap<>(Operation.class);

    /** A plugin with every counter at 0. */
    public TimingPlugin() {
        for (Operation operation : Operation.values()) {
            counters.put(operation, new Counter());
        }
    }

    @Override
    public void post(OperationEvent event) {
        Counter counter = counters.get(event.operation());
        counter.count.increment();
        counter.totalNanos.add(event.elapsedNanos());
        counter.min.accumulate(event.elapsedNanos());
        counter.max.accumulate(event.elapsedNanos());
    }

    /** What was measured for {@code operation}. */
    public Stats stats(Operation operation) {
        Counter counter = counters.get(operation);
        long count = counter.count.sum();
        return new Stats(count, Duration.ofNanos(counter.totalNanos.sum()),
                Duration.ofNanos(count == 0 ? 0 : counter.min.get()), Duration.ofNanos(counter.max.get()));
    }

    /** Every operation that ran at least once, with its figures. */
    public Map<Operation, Stats> all() {
        Map<Operation, Stats> all = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            Stats stats = stats(operation);
            if (stats.count() > 0) {
                all.put(operation, stats);
            }
        }
        return all;
    }

    @Override
    public String toString() {
        return "TimingPlugin" + all();
    }
}
