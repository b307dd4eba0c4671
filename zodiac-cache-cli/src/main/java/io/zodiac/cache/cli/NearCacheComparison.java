package io.zodiac.cache.cli;

import io.zodiac.cache.NearCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code demo --near-cache}: after the main phase, the same workload twice on a Redis cache that
 * holds every key, so that every request is a hit: once as the main phase read it (a round trip
 * per hit), once with a {@link NearCache} of all the keys (a hit served locally after the first
 * read). Shows the hit latency and the throughput side by side, and the near cache's own counts.
 */
record NearCacheComparison(PhaseResult redis, PhaseResult near, long nearHits, long nearMisses, long invalidations) {

    private static final String ROW = "  %-32s %18s %20s";

    /** Stores every key, then runs the workload through {@code session}'s cache and through a near-cached one. */
    static NearCacheComparison run(WorkloadOptions options, CacheSession session, String backend, String namespace,
            boolean live, PrintWriter out) throws InterruptedException {
        CompletableFuture<?>[] stored = new CompletableFuture<?>[options.keys];
        for (int index = 0; index < options.keys; index++) {
            stored[index] = session.cache().set(Workload.key(index), SlowSource.value(index), options.ttl);
        }
        session.await(CompletableFuture.allOf(stored));
        PhaseResult redis = options.workload().throughCache(session, options.duration,
                new TerminalProgress(out, "redis", options.duration, live));

        LongAdder hits = new LongAdder();
        LongAdder misses = new LongAdder();
        LongAdder invalidations = new LongAdder();
        CachePlugin counts = new CachePlugin() {
            @Override
            public void onEvent(CacheEvent event) {
                switch (event.kind()) {
                    case NEAR_HIT -> hits.increment();
                    case NEAR_MISS -> misses.increment();
                    case NEAR_INVALIDATION -> invalidations.increment();
                    default -> { }
                }
            }
        };
        try (CacheSession nearSession = CacheSession.open(backend, namespace,
                settings -> settings.nearCache(NearCache.maximumSize(options.keys)).plugins(counts))) {
            Workload workload = options.workload();
            workload.warmUp(nearSession.cache());
            hits.reset();
            misses.reset();
            invalidations.reset();
            PhaseResult near = workload.throughCache(nearSession, options.duration,
                    new TerminalProgress(out, "near cache", options.duration, live));
            return new NearCacheComparison(redis, near, hits.sum(), misses.sum(), invalidations.sum());
        }
    }

    void print(PrintWriter out) {
        out.println();
        out.println("Near cache: every key stored, so every request is a hit; the same clients, the same time");
        row(out, "", "redis", "redis + near cache");
        row(out, "requests", count(redis.requests()), count(near.requests()));
        row(out, "throughput", String.format(Locale.ROOT, "%,.0f/s", redis.throughput()),
                String.format(Locale.ROOT, "%,.0f/s", near.throughput()));
        for (double percentile : new double[] {50, 99}) {
            row(out, String.format(Locale.ROOT, "hit latency p%.0f", percentile),
                    Durations.formatNanos(redis.latency().getValueAtPercentile(percentile)),
                    Durations.formatNanos(near.latency().getValueAtPercentile(percentile)));
        }
        row(out, "source calls", count(redis.sourceCallsTotal()), count(near.sourceCallsTotal()));
        row(out, "near hits (served locally)", "-", count(nearHits));
        row(out, "near misses (read from Redis)", "-", count(nearMisses));
        row(out, "near invalidations", "-", count(invalidations));
        out.flush();
    }

    private static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static void row(PrintWriter out, String label, String redis, String near) {
        out.println(String.format(Locale.ROOT, ROW, label, redis, near).stripTrailing());
    }
}
