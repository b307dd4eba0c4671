package io.zodiac.cache.bench;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The in-memory hit path, in the shape of Caffeine's {@code GetPutBenchmark} read-only group:
 * {@link ZipfKeys#SIZE} Zipf-distributed keys, every one present, each thread walking the key
 * array from its own random start. Every benchmark returns what it read, so nothing is
 * eliminated; the index is per-thread state, so nothing is constant-folded.
 *
 * <p>Peers, all bounded to {@code 2 * SIZE} entries as in {@code GetPutBenchmark}:
 * {@code caffeine} ({@code Cache.getIfPresent}) and {@code caffeineAsync}
 * ({@code AsyncCache.getIfPresent}). Entries with a TTL are measured apart: zodiac's cache
 * {@code ttl} holds every key with a one-hour TTL, against {@code caffeineTtl}, Caffeine's own
 * per-entry expiry ({@code expireAfter}) with the same TTL.
 */
@State(Scope.Benchmark)
public class HitBenchmark {

    private static final Boolean VALUE = Boolean.TRUE;
    static final Duration TTL = Duration.ofHours(1);

    String[] keys;
    Cache<String, Boolean> caffeine;
    Cache<String, Object> caffeineTtl;
    AsyncCache<String, Boolean> caffeineAsync;
    CacheManager manager;
    ZodiacCache zodiac;
    BlockingCache blocking;
    BlockingCache blockingTtl;
    /** Never called: every read is a hit (checked in setup). */
    final Supplier<CompletionStage<Object>> asyncProducer = () -> {
        throw new AssertionError("miss in a hit benchmark");
    };
    final Supplier<Object> producer = () -> {
        throw new AssertionError("miss in a hit benchmark");
    };

    @State(Scope.Thread)
    public static class ThreadState {
        int index = ThreadLocalRandom.current().nextInt();
    }

    @Setup(Level.Trial)
    public void setup() {
        keys = ZipfKeys.strings("key:");
        long bound = 2L * ZipfKeys.SIZE;
        caffeine = Caffeine.newBuilder().maximumSize(bound).build();
        caffeineTtl = Caffeine.newBuilder().maximumSize(bound).expireAfter(Expiry.creating((String key, Object value) -> TTL)).build();
        caffeineAsync = Caffeine.newBuilder().maximumSize(bound).buildAsync();
        manager = new CacheManager();
        zodiac = manager.setup("bench", CacheConfig.builder().maxSize(bound).build());
        blocking = zodiac.blocking();
        blockingTtl = manager.setup("bench-ttl", CacheConfig.builder().name("ttl").maxSize(bound).build()).blocking();
        // each distinct key once: replacing an AsyncCache entry notifies through CompletableFuture's
        // default async pool, a new thread per task on a machine where the common pool has one worker
        for (String key : new LinkedHashSet<>(Arrays.asList(keys))) {
            caffeine.put(key, VALUE);
            caffeineTtl.put(key, VALUE);
            caffeineAsync.put(key, CompletableFuture.completedFuture(VALUE));
            blocking.set(key, VALUE);
            blockingTtl.set(key, VALUE, TTL);
        }
        for (String key : keys) {
            if (caffeine.getIfPresent(key) == null || caffeineTtl.getIfPresent(key) == null
                    || caffeineAsync.getIfPresent(key) == null || blocking.get(key) == null || blockingTtl.get(key) == null) {
                throw new IllegalStateException("key " + key + " is not present in every cache");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    // ------------------------------------------------------------------ peers

    @Benchmark
    public Boolean caffeine_getIfPresent(ThreadState state) {
        return caffeine.getIfPresent(keys[state.index++ & ZipfKeys.MASK]);
    }

    @Benchmark
    public CompletableFuture<Boolean> caffeineAsync_getIfPresent(ThreadState state) {
        return caffeineAsync.getIfPresent(keys[state.index++ & ZipfKeys.MASK]);
    }

    @Benchmark
    public Object caffeineTtl_getIfPresent(ThreadState state) {
        return caffeineTtl.getIfPresent(keys[state.index++ & ZipfKeys.MASK]);
    }

    // ------------------------------------------------------------------ zodiac

    @Benchmark
    public CompletableFuture<Object> zodiac_get(ThreadState state) {
        return zodiac.get(keys[state.index++ & ZipfKeys.MASK]);
    }

    @Benchmark
    public Object zodiac_blocking_get(ThreadState state) {
        return blocking.get(keys[state.index++ & ZipfKeys.MASK]);
    }

    @Benchmark
    public CompletableFuture<Object> zodiac_getOrSet(ThreadState state) {
        return zodiac.getOrSet(keys[state.index++ & ZipfKeys.MASK], asyncProducer);
    }

    @Benchmark
    public Object zodiac_blocking_getOrSet(ThreadState state) {
        return blocking.getOrSet(keys[state.index++ & ZipfKeys.MASK], producer);
    }

    @Benchmark
    public Object zodiacTtl_blocking_get(ThreadState state) {
        return blockingTtl.get(keys[state.index++ & ZipfKeys.MASK]);
    }
}
