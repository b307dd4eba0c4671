package io.zodiac.cache.internal.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.spi.BackendContext;
import io.zodiac.cache.spi.KeyText;
import io.zodiac.cache.spi.LeaseLocks;
import io.zodiac.cache.spi.StoredValue;
import io.zodiac.cache.serializer.ReferenceSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Caffeine cache per named cache. The cache is the namespace, so keys are stored as given and
 * the hit path builds no string. Operations complete in the calling thread.
 *
 * <p>TTLs: a value stored with a TTL is wrapped with its deadline and checked when read; a value
 * stored without one is stored as it is. Reads of entries without a TTL therefore never read the
 * clock, which Caffeine's own variable expiration would do on every read of every entry (about
 * four times the cost of a plain hit). Expired entries are removed when read, and by a sweep every
 * {@value #SWEEP_SECONDS} seconds while the cache holds entries with a TTL, so that entries nobody
 * reads again do not stay in memory.
 *
 * <p>Counters are {@code Long}s when values are references and ASCII digits when they are encoded
 * bytes, so that every serializer reads them.
 */
final class MemoryBackend implements Backend {

    static final long SWEEP_SECONDS = 5;

    private static final ScheduledExecutorService SWEEPER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "zodiac-cache-memory-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    /** A value stored with a TTL. */
    private record Expiring(Object value, long deadlineNanos) {

        static Object wrap(Object value, Duration ttl) {
            if (ttl == null) {
                return value;
            }
            // at most Backend.LONGEST_TTL (the cache checks): deadlines compared as differences of
            // System.nanoTime() hold up to 2^63 ns
            return new Expiring(value, System.nanoTime() + ttl.toNanos());
        }

        boolean expired(long now) {
            return now - deadlineNanos >= 0;
        }
    }

    private final Cache<String, Object> cache;
    private final ConcurrentMap<String, Object> map;
    private final LeaseLocks locks = new LeaseLocks();
    private final boolean references;
    private volatile ScheduledFuture<?> sweep;

    MemoryBackend(BackendContext context) {
        Caffeine<Object, Object> builder = Caffeine.newBuilder();
        Long maxSize = context.config().maxSize();
        if (maxSize != null) {
            Consumer<String> evictions = context.evictions();
            builder = builder.maximumSize(maxSize).evictionListener((Object key, Object value, RemovalCause cause) -> {
                if (cause == RemovalCause.SIZE) {
                    evictions.accept((String) key);
                }
            });
        }
        this.cache = builder.build();
        this.map = cache.asMap();
        this.references = context.serializer() instanceof ReferenceSerializer;
    }

    /** The number of entries, expired ones not yet removed included. */
    @Override
    public OptionalLong estimatedSize() {
        return OptionalLong.of(cache.estimatedSize());
    }

    /** The live value of {@code key}, or {@code null}; an expired entry is removed on the way. */
    private Object live(String key) {
        Object stored = cache.getIfPresent(key);
        return stored instanceof Expiring expiring ? unwrap(key, expiring) : stored;
    }

    private Object unwrap(String key, Expiring expiring) {
        if (expiring.expired(System.nanoTime())) {
            map.remove(key, expiring);
            return null;
        }
        return expiring.value();
    }

    private Object store(Object value, Duration ttl) {
        if (ttl != null && sweep == null) {
            startSweeping();
        }
        return Expiring.wrap(value, ttl);
    }

    private synchronized void startSweeping() {
        if (sweep == null) {
            sweep = SWEEPER.scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Removes the expired entries (each only if it was not replaced meanwhile). */
    void sweep() {
        long now = System.nanoTime();
        map.values().removeIf(value -> value instanceof Expiring expiring && expiring.expired(now));
    }

    @Override
    public CompletableFuture<Object> get(String key) {
        return CompletableFuture.completedFuture(live(key));
    }

    @Override
    public Object getNow(String key) {
        return live(key);
    }

    @Override
    public CompletableFuture<StoredValue> getWithTtl(String key) {
        return CompletableFuture.completedFuture(getWithTtlNow(key));
    }

    /** The value with the time left to its deadline; {@code null} remaining for an entry without a TTL. */
    @Override
    public StoredValue getWithTtlNow(String key) {
        Object stored = cache.getIfPresent(key);
        if (stored == null) {
            return null;
        }
        if (!(stored instanceof Expiring expiring)) {
            return new StoredValue(stored, null);
        }
        long remaining = expiring.deadlineNanos() - System.nanoTime();
        if (remaining <= 0) {
            map.remove(key, expiring);
            return null;
        }
        return new StoredValue(expiring.value(), Duration.ofNanos(remaining));
    }

    @Override
    public CompletableFuture<Map<String, Object>> multiGet(List<String> keys) {
        Map<String, Object> found = new LinkedHashMap<>();
        for (String key : keys) {
            Object value = live(key);
            if (value != null) {
                found.put(key, value);
            }
        }
        return CompletableFuture.completedFuture(found);
    }

    @Override
    public CompletableFuture<Boolean> set(String key, Object value, Duration ttl) {
        cache.put(key, store(value, ttl));
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> multiSet(Map<String, Object> values, Duration ttl) {
        values.forEach((key, value) -> cache.put(key, store(value, ttl)));
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> add(String key, Object value, Duration ttl) {
        Object stored = store(value, ttl);
        boolean[] added = {false};
        map.compute(key, (k, current) -> {
            if (current == null || current instanceof Expiring expiring && expiring.expired(System.nanoTime())) {
                added[0] = true;
                return stored;
            }
            return current;
        });
        return CompletableFuture.completedFuture(added[0]);
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        Object removed = map.remove(key);
        boolean live = removed != null && !(removed instanceof Expiring expiring && expiring.expired(System.nanoTime()));
        return CompletableFuture.completedFuture(live);
    }

    @Override
    public CompletableFuture<Boolean> exists(String key) {
        return CompletableFuture.completedFuture(live(key) != null);
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        long[] result = new long[1];
        try {
            map.compute(key, (k, current) -> {
                Long deadline = null;
                Object value = current;
                if (current instanceof Expiring expiring) {
                    boolean expired = expiring.expired(System.nanoTime());
                    value = expired ? null : expiring.value();
                    deadline = expired ? null : expiring.deadlineNanos();
                }
                long next;
                try {
                    next = Math.addExact(counter(k, value), delta);
                } catch (ArithmeticException e) {
                    throw new IllegalStateException("value of key '" + KeyText.of(k) + "' cannot be incremented by " + delta
                            + ": the result would overflow a long", e);
                }
                result[0] = next;
                Object counter = references ? (Object) next : Long.toString(next).getBytes(StandardCharsets.US_ASCII);
                return deadline == null ? counter : new Expiring(counter, deadline);
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture(result[0]);
    }

    private static long counter(String key, Object current) {
        if (current == null) {
            return 0;
        }
        if (current instanceof Long || current instanceof Integer || current instanceof Short || current instanceof Byte) {
            return ((Number) current).longValue();
        }
        if (current instanceof byte[] bytes) {
            try {
                return Long.parseLong(new String(bytes, StandardCharsets.US_ASCII).trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalStateException("value of key '" + KeyText.of(key) + "' is not an integer, cannot increment it");
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, Duration ttl) {
        boolean[] present = {false};
        map.computeIfPresent(key, (k, current) -> {
            Object value = current instanceof Expiring expiring ? unwrapInPlace(expiring) : current;
            if (value == null) {
                return null;
            }
            present[0] = true;
            return store(value, ttl);
        });
        return CompletableFuture.completedFuture(present[0]);
    }

    /** The value of an entry being replaced, or {@code null} when it has expired (it is then dropped). */
    private static Object unwrapInPlace(Expiring expiring) {
        return expiring.expired(System.nanoTime()) ? null : expiring.value();
    }

    @Override
    public CompletableFuture<Duration> ttl(String key) {
        Object stored = cache.getIfPresent(key);
        if (stored == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (!(stored instanceof Expiring expiring)) {
            return CompletableFuture.completedFuture(NO_EXPIRY);
        }
        long remaining = expiring.deadlineNanos() - System.nanoTime();
        if (remaining <= 0) {
            map.remove(key, expiring);
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.completedFuture(Duration.ofNanos(remaining));
    }

    @Override
    public CompletableFuture<List<String>> keys(String prefix, int limit) {
        List<String> keys = new ArrayList<>();
        long now = System.nanoTime();
        for (Map.Entry<String, Object> entry : map.entrySet()) {
            if (keys.size() >= limit) {
                break;
            }
            boolean expired = entry.getValue() instanceof Expiring expiring && expiring.expired(now);
            if (!expired && entry.getKey().startsWith(prefix)) {
                keys.add(entry.getKey());
            }
        }
        return CompletableFuture.completedFuture(keys);
    }

    @Override
    public CompletableFuture<Boolean> clear() {
        cache.invalidateAll();
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> tryLock(String key, String token, Duration lease) {
        return CompletableFuture.completedFuture(locks.tryLock(key, token, lease));
    }

    @Override
    public CompletableFuture<Boolean> unlock(String key, String token) {
        return CompletableFuture.completedFuture(locks.unlock(key, token));
    }

    @Override
    public CompletableFuture<Void> releaseSignal(String key) {
        return locks.releaseSignal(key);
    }

    @Override
    public boolean local() {
        return true;
    }

    @Override
    public CompletableFuture<Void> close() {
        ScheduledFuture<?> running = sweep;
        if (running != null) {
            running.cancel(false);
        }
        cache.invalidateAll();
        locks.clear();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String toString() {
        return "MemoryBackend[" + cache.estimatedSize() + " entries]";
    }
}
