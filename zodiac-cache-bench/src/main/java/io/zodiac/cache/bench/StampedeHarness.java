package io.zodiac.cache.bench;

import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Cache stampede on a cold key, in one JVM. Not a JMH benchmark: a harness, because what matters
 * is how many times the producer runs and how long each of the callers waits, not a throughput.
 *
 * <p>Each round takes a key nobody has read; {@code callers} threads (all started and parked on a
 * gate beforehand) are released at once and call the cached method with that key. The method
 * sleeps {@code loadMillis} (a slow database) and counts its runs. Per system the harness reports
 * producer runs per round (ideal: 1) and the latency of every caller from the gate's release to
 * its return, as percentiles over all callers of all measured rounds (ideal: {@code loadMillis}).
 * A few rounds are run first and discarded (JIT warm-up). Every caller's value is checked.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.zodiac.cache.bench.StampedeHarness [out.json] [callers]
 * [rounds] [loadMillis]}.
 */
public final class StampedeHarness {

    private static final int WARMUP_ROUNDS = 5;

    private StampedeHarness() {
    }

    /** One system under test: a blocking cached call, and what to close afterwards. */
    private record Subject(String name, String description, Function<String, String> call, AutoCloseable resources) {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "stampede.json");
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        long loadMillis = args.length > 3 ? Long.parseLong(args[3]) : 50;

        Results results = new Results("stampede");
        results.context("callers", callers);
        results.context("rounds", rounds);
        results.context("loadMillis", loadMillis);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            for (String name : List.of("zodiac", "zodiacCached", "spring", "jetcache")) {
                Services.Source source = new Services.Source(loadMillis);
                Subject subject = subject(name, source);
                try {
                    run(subject, source, pool, callers, WARMUP_ROUNDS, "warmup-", null);
                    run(subject, source, pool, callers, rounds, "round-", results);
                } finally {
                    subject.resources().close();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        results.write(out);
    }

    private static Subject subject(String name, Services.Source source) {
        switch (name) {
            case "zodiac": {
                CacheManager manager = new CacheManager();
                BlockingCache cache = manager.setup("bench").blocking();
                return new Subject(name, "blocking().getOrSet(key, producer) on the in-memory backend",
                        key -> cache.getOrSet(key, () -> source.load(key)), manager);
            }
            case "zodiacCached": {
                CacheManager manager = new CacheManager();
                manager.setup("bench");
                Services.Service service = Services.zodiacProxy(manager, source);
                return new Subject(name, "@Cached through CachedProxy on the in-memory backend", service::load, manager);
            }
            case "spring": {
                ConfigurableApplicationContext context = Services.context(Services.SpringConfig.class, source);
                Services.Service service = context.getBean(Services.Service.class);
                return new Subject(name, "Spring @Cacheable(sync = true) on CaffeineCacheManager", service::load, context);
            }
            case "jetcache": {
                ConfigurableApplicationContext context = Services.context(Services.JetCacheConfig.class, source);
                Services.Service service = context.getBean(Services.Service.class);
                return new Subject(name, "JetCache @Cached(cacheType = LOCAL) @CachePenetrationProtect", service::load, context);
            }
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private static void run(Subject subject, Services.Source source, ExecutorService pool, int callers, int rounds,
            String keyPrefix, Results results) throws Exception {
        long[] latencies = new long[callers * rounds];
        int[] loadsPerRound = new int[rounds];
        for (int round = 0; round < rounds; round++) {
            String key = keyPrefix + round;
            CountDownLatch ready = new CountDownLatch(callers);
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<Long>> calls = new ArrayList<>(callers);
            for (int i = 0; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    ready.countDown();
                    gate.await();
                    String value = subject.call().apply(key);
                    long end = System.nanoTime();
                    if (!("loaded:" + key).equals(value)) {
                        throw new AssertionError(subject.name() + " returned " + value + " for " + key);
                    }
                    return end;
                }));
            }
            if (!ready.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("callers did not start");
            }
            int loadsBefore = source.loads();
            long released = System.nanoTime();
            gate.countDown();
            for (int i = 0; i < callers; i++) {
                latencies[round * callers + i] = calls.get(i).get(60, TimeUnit.SECONDS) - released;
            }
            loadsPerRound[round] = source.loads() - loadsBefore;
        }
        if (results != null) {
            report(results, subject.name(), subject.description(), loadsPerRound, latencies);
        }
    }

    /** Adds producer runs per round and latency percentiles (latencies in nanoseconds; sorted here) to the results. */
    static void report(Results results, String name, String description, int[] runsPerRound, long[] latencies) {
        Arrays.sort(latencies);
        double meanRuns = Arrays.stream(runsPerRound).average().orElse(0);
        int maxRuns = Arrays.stream(runsPerRound).max().orElse(0);
        results.add(name, "producerRunsPerRound", meanRuns, "runs", description);
        results.add(name, "producerRunsMaxRound", maxRuns, "runs", description);
        for (double p : new double[] {50, 90, 99, 100}) {
            String metric = p == 100 ? "latencyMax" : "latencyP" + (int) p;
            results.add(name, metric, percentile(latencies, p) / 1e6, "ms", description);
        }
        System.out.printf("%-12s producer runs/round: mean %.2f, max %d; latency ms p50 %.1f p99 %.1f max %.1f  [%s]%n",
                name, meanRuns, maxRuns, percentile(latencies, 50) / 1e6, percentile(latencies, 99) / 1e6,
                percentile(latencies, 100) / 1e6, description);
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
