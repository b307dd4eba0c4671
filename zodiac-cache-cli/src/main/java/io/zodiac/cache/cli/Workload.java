package io.zodiac.cache.cli;

import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.ZodiacCache;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * The demo's workload: {@code clients} threads, each asking for keys drawn with Zipf's law from
 * {@code keys} keys, one request after the other, for a given time. The keys are the values of
 * a {@link SlowSource}; a phase either reads them through the cache or calls the source directly.
 */
final class Workload {

    /** Values expire after this, so that an interrupted demo on a server leaves nothing behind for long. */
    static final Duration VALUE_TTL = Duration.ofMinutes(10);

    private static final int WARM_UP_KEYS = 50;

    private final int clients;
    private final int keys;
    private final Zipf zipf;
    private final Duration latency;
    private final long seed;

    Workload(int clients, int keys, double zipfExponent, Duration latency, long seed) {
        this.clients = clients;
        this.keys = keys;
        this.zipf = new Zipf(keys, zipfExponent);
        this.latency = latency;
        this.seed = seed;
    }

    /** The cache key of key index {@code index}: {@code item:1} is the hottest. */
    static String key(int index) {
        return "item:" + (index + 1);
    }

    /**
     * The clients read through the cache: {@code getOrSet}, with the slow source as the producer.
     * The lease outlasts the source's latency, so a producer is never taken over while it runs.
     */
    PhaseResult throughCache(ZodiacCache cache, Duration duration, ProgressSink progress) throws InterruptedException {
        SlowSource source = new SlowSource(latency, keys);
        GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults()
                .type(String.class)
                .ttl(VALUE_TTL)
                .lease(latency.multipliedBy(2).plusSeconds(2));
        BlockingCache blocking = cache.blocking();
        warmUp(blocking, options);
        return run(duration, source, index -> blocking.getOrSet(key(index), () -> source.load(index), options), progress);
    }

    /**
     * Takes {@code getOrSet}'s miss and hit paths a few times on keys outside the workload, so that
     * the phase measures the cache rather than the JVM loading and compiling its code.
     */
    private static void warmUp(BlockingCache cache, GetOrSetOptions<String> options) {
        for (int i = 0; i < WARM_UP_KEYS; i++) {
            String key = "zodiac-cache-cli:warm-up:" + i;
            cache.getOrSet(key, () -> "warm", options);
            cache.getOrSet(key, () -> "warm", options);
            cache.delete(key);
        }
    }

    /** The clients call the slow source directly: the same workload without a cache. */
    PhaseResult direct(Duration duration, ProgressSink progress) throws InterruptedException {
        SlowSource source = new SlowSource(latency, keys);
        return run(duration, source, source::load, progress);
    }

    private PhaseResult run(Duration duration, SlowSource source, IntFunction<String> request, ProgressSink progress)
            throws InterruptedException {
        Shared shared = new Shared(System.nanoTime() + duration.toNanos(), request);
        SplittableRandom seeds = new SplittableRandom(seed);
        Client[] running = new Client[clients];
        long start = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            running[i] = new Client(shared, seeds.split());
            Thread thread = new Thread(running[i], "demo-client-" + (i + 1));
            thread.setDaemon(true);
            thread.start();
        }
        progress.follow(shared.finished, start, shared.completed::sum, source::calls);
        long elapsed = System.nanoTime() - start;

        Histogram latencies = new Histogram(3);
        long errors = 0;
        String firstError = null;
        for (Client client : running) {
            latencies.add(client.latencies);
            errors += client.errors;
            firstError = firstError != null ? firstError : client.firstError;
        }
        Map<Integer, Integer> sourceCalls = new TreeMap<>();
        Map<Integer, Integer> coldCallers = new TreeMap<>();
        for (int index = 0; index < keys; index++) {
            if (source.calls(index) > 0) {
                sourceCalls.put(index, source.calls(index));
            }
            if (shared.coldCallers.get(index) > 0) {
                coldCallers.put(index, shared.coldCallers.get(index));
            }
        }
        return new PhaseResult(latencies.getTotalCount(), errors, firstError, elapsed, latencies, sourceCalls, coldCallers);
    }

    /** What the clients of one phase share. */
    private final class Shared {
        final long deadline;
        final IntFunction<String> request;
        final CountDownLatch finished = new CountDownLatch(clients);
        final LongAdder completed = new LongAdder();
        /** Per key: 1 once a request for it has been answered. */
        final AtomicIntegerArray answered = new AtomicIntegerArray(keys);
        /** Per key: the requests that started before any request for it had been answered. */
        final AtomicIntegerArray coldCallers = new AtomicIntegerArray(keys);

        Shared(long deadline, IntFunction<String> request) {
            this.deadline = deadline;
            this.request = request;
        }
    }

    /** One client: requests until the deadline, recording each latency. Its fields are read after it finished. */
    private final class Client implements Runnable {
        private final Shared shared;
        private final SplittableRandom random;
        final Histogram latencies = new Histogram(3);
        long errors;
        String firstError;

        Client(Shared shared, SplittableRandom random) {
            this.shared = shared;
            this.random = random;
        }

        @Override
        public void run() {
            try {
                while (System.nanoTime() < shared.deadline) {
                    int index = zipf.next(random);
                    boolean cold = shared.answered.get(index) == 0;
                    long start = System.nanoTime();
                    try {
                        shared.request.apply(index);
                    } catch (RuntimeException e) {
                        errors++;
                        firstError = firstError != null ? firstError : CliException.describe(e);
                    }
                    latencies.recordValue(System.nanoTime() - start);
                    if (cold) {
                        shared.coldCallers.incrementAndGet(index);
                        shared.answered.set(index, 1);
                    }
                    shared.completed.increment();
                }
            } finally {
                shared.finished.countDown();
            }
        }
    }
}
