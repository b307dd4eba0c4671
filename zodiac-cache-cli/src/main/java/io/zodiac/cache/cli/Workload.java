package io.zodiac.cache.cli;

import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CachedProxy;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.ZodiacCache;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * The demo's workload: {@code clients} threads that start together, each asking for keys drawn
 * with Zipf's law from {@code keys} keys, one request after the other with a pause between two,
 * for a given time. The values come from a {@link SlowSource}; a phase either reads them through
 * the cache or calls the source directly.
 */
final class Workload {

    /** Values expire after this, so that an interrupted demo on a server leaves nothing behind for long. */
    static final Duration VALUE_TTL = Duration.ofMinutes(10);

    private static final int WARM_UP_KEYS = 50;

    /** The hottest keys, whose latency the refresh-ahead comparison shows. */
    static final int HOT_KEYS = 10;

    private final int clients;
    private final int keys;
    private final Zipf zipf;
    private final Duration latency;
    private final long thinkNanos;
    private final long seed;
    private final boolean cachedProxy;
    /** The lease outlasts the source's latency, so that a producer is never taken over while it runs. */
    private final GetOrSetOptions<String> options;
    /** The latencies of the requests for the {@value #HOT_KEYS} hottest keys in the last phase. */
    private volatile Histogram hotLatencies = new Histogram(3);
    /** Set by {@link #stop()}: the clients end after their current request. */
    private volatile boolean stopped;

    /**
     * @param think each client's pause between two requests, as a client that does other work
     * @param cachedProxy {@code true} to read through a {@code @Cached} proxy instead of {@code getOrSet}
     * @param ttl how long values live
     * @param refreshAfter refresh-ahead, or {@code null} for none
     */
    Workload(int clients, int keys, double zipfExponent, Duration latency, Duration think, long seed,
            boolean cachedProxy, Duration ttl, Duration refreshAfter) {
        this.clients = clients;
        this.keys = keys;
        this.zipf = new Zipf(keys, zipfExponent);
        this.latency = latency;
        this.thinkNanos = think.toNanos();
        this.seed = seed;
        this.cachedProxy = cachedProxy;
        this.options = GetOrSetOptions.<String>defaults()
                .type(String.class)
                .ttl(ttl)
                .refreshAfter(refreshAfter)
                .lease(latency.multipliedBy(2).plusSeconds(2));
    }

    /** The latencies of the requests for the {@value #HOT_KEYS} hottest keys in the last phase this workload ran. */
    Histogram hotLatencies() {
        return hotLatencies;
    }

    /**
     * Ends the running phase early (Ctrl-C): each client ends after its current request, and the
     * phase returns what it measured so far. A phase started afterwards ends at once.
     */
    void stop() {
        stopped = true;
    }

    /** The cache key of key index {@code index}: {@code item:1} is the hottest. */
    static String key(int index) {
        return "item:" + (index + 1);
    }

    /**
     * Takes {@code getOrSet}'s miss and hit paths a few times on keys outside the workload, so that
     * a phase measures the cache rather than the JVM loading and compiling its code.
     */
    void warmUp(ZodiacCache cache) {
        BlockingCache blocking = cache.blocking();
        for (int i = 0; i < WARM_UP_KEYS; i++) {
            String key = "zodiac-cache-cli:warm-up:" + i;
            blocking.getOrSet(key, () -> "warm", options);
            blocking.getOrSet(key, () -> "warm", options);
            blocking.delete(key);
        }
    }

    /**
     * The clients read through the session's cache: with {@code getOrSet} and the slow source as
     * the producer, or through a {@link Catalog} proxy whose {@code @Cached} method runs the slow
     * source (the proxy uses {@code @Cached}'s default lease).
     */
    PhaseResult throughCache(CacheSession session, Duration duration, ProgressSink progress) throws InterruptedException {
        SlowSource source = new SlowSource(latency, keys);
        if (cachedProxy) {
            Catalog catalog = CachedProxy.of(session.manager(), Catalog.class, source::load);
            return run(duration, source, catalog::find, progress);
        }
        BlockingCache blocking = session.cache().blocking();
        return run(duration, source, index -> blocking.getOrSet(key(index), () -> source.load(index), options), progress);
    }

    /** The clients call the slow source directly: the same workload without a cache. */
    PhaseResult direct(Duration duration, ProgressSink progress) throws InterruptedException {
        SlowSource source = new SlowSource(latency, keys);
        return run(duration, source, source::load, progress);
    }

    private PhaseResult run(Duration duration, SlowSource source, IntFunction<String> request, ProgressSink progress)
            throws InterruptedException {
        Shared shared = new Shared(request);
        SplittableRandom seeds = new SplittableRandom(seed);
        Client[] running = new Client[clients];
        for (int i = 0; i < clients; i++) {
            running[i] = new Client(shared, seeds.split());
            Thread thread = new Thread(running[i], "demo-client-" + (i + 1));
            thread.setDaemon(true);
            thread.start();
        }
        long start = System.nanoTime();
        shared.deadline = start + duration.toNanos();
        shared.gate.countDown();
        progress.follow(shared.finished, start, shared.completed::sum, source::calls);
        long elapsed = System.nanoTime() - start;

        Histogram latencies = new Histogram(3);
        Histogram hot = new Histogram(3);
        long errors = 0;
        String firstError = null;
        for (Client client : running) {
            latencies.add(client.latencies);
            hot.add(client.hotLatencies);
            errors += client.errors;
            firstError = firstError != null ? firstError : client.firstError;
        }
        hotLatencies = hot;
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
        final IntFunction<String> request;
        /** Opens once every client is started, so that they all begin at once. */
        final CountDownLatch gate = new CountDownLatch(1);
        /** Written before the gate opens, read after. */
        long deadline;
        final CountDownLatch finished = new CountDownLatch(clients);
        final LongAdder completed = new LongAdder();
        /** Per key: 1 once a request for it has been answered. */
        final AtomicIntegerArray answered = new AtomicIntegerArray(keys);
        /** Per key: the requests that started before any request for it had been answered. */
        final AtomicIntegerArray coldCallers = new AtomicIntegerArray(keys);

        Shared(IntFunction<String> request) {
            this.request = request;
        }
    }

    /**
     * One client: from the gate to the deadline, requests, records each latency, and thinks for a
     * moment. Its fields are read once it finished.
     */
    private final class Client implements Runnable {
        private final Shared shared;
        private final SplittableRandom random;
        final Histogram latencies = new Histogram(3);
        final Histogram hotLatencies = new Histogram(3);
        long errors;
        String firstError;

        Client(Shared shared, SplittableRandom random) {
            this.shared = shared;
            this.random = random;
        }

        @Override
        public void run() {
            try {
                shared.gate.await();
                while (!stopped && System.nanoTime() < shared.deadline) {
                    request(zipf.next(random));
                    if (thinkNanos > 0) {
                        TimeUnit.NANOSECONDS.sleep(thinkNanos);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                shared.finished.countDown();
            }
        }

        private void request(int index) {
            boolean cold = shared.answered.get(index) == 0;
            long start = System.nanoTime();
            try {
                shared.request.apply(index);
            } catch (RuntimeException e) {
                errors++;
                firstError = firstError != null ? firstError : CliException.describe(e);
            }
            long took = System.nanoTime() - start;
            latencies.recordValue(took);
            if (index < HOT_KEYS) {
                hotLatencies.recordValue(took);
            }
            if (cold) {
                shared.coldCallers.incrementAndGet(index);
                shared.answered.set(index, 1);
            }
            shared.completed.increment();
        }
    }
}
