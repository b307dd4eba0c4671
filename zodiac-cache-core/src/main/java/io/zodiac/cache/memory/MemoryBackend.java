package io.zodiac.cache.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.zodiac.cache.Backend;
import io.zodiac.cache.BackendContext;
import io.zodiac.cache.lock.LeaseLocks;
import io.zodiac.cache.serializer.ReferenceSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Caffeine cache per named cache. The cache is the namespace, so keys are stored as given and
 * the hit path builds no string. Per-entry TTLs use Caffeine's variable expiration; counters are
 * {@code Long}s when values are references and ASCII digits when they are encoded bytes, so that
 * every serializer reads them. Operations complete in the calling thread.
 */
final class MemoryBackend implements Backend {

    /** Caffeine caps durations at about 146 years: "never" for a cache. */
    private static final long FOREVER_NANOS = Long.MAX_VALUE;

    private final Cache<String, Object> cache;
    private final Policy.VarExpiration<String, Object> expiration;
    private final LeaseLocks locks = new LeaseLocks();
    private final boolean references;

    MemoryBackend(BackendContext context) {
        Caffeine<String, Object> builder = Caffeine.newBuilder().expireAfter(new KeepTtl());
        Long maxSize = context.config().maxSize();
        if (maxSize != null) {
            Consumer<String> evictions = context.evictions();
            builder = builder.maximumSize(maxSize).evictionListener((String key, Object value, RemovalCause cause) -> {
                if (cause == RemovalCause.SIZE) {
                    evictions.accept(key);
                }
            });
        }
        this.cache = builder.build();
        this.expiration = cache.policy().expireVariably().orElseThrow();
        this.references = context.serializer() instanceof ReferenceSerializer;
    }

    /** New entries never expire unless given a TTL; updates and reads keep the current TTL. */
    private static final class KeepTtl implements Expiry<String, Object> {
        @Override
        public long expireAfterCreate(String key, Object value, long currentTime) {
            return FOREVER_NANOS;
        }

        @Override
        public long expireAfterUpdate(String key, Object value, long currentTime, long currentDuration) {
            return currentDuration;
        }

        @Override
        public long expireAfterRead(String key, Object value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    private static long nanos(Duration ttl) {
        return ttl == null ? FOREVER_NANOS : ttl.toNanos();
    }

    @Override
    public CompletableFuture<Object> get(String key) {
        return CompletableFuture.completedFuture(cache.getIfPresent(key));
    }

    @Override
    public CompletableFuture<Map<String, Object>> multiGet(List<String> keys) {
        return CompletableFuture.completedFuture(new LinkedHashMap<>(cache.getAllPresent(keys)));
    }

    @Override
    public CompletableFuture<Boolean> set(String key, Object value, Duration ttl) {
        expiration.put(key, value, nanos(ttl), TimeUnit.NANOSECONDS);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> multiSet(Map<String, Object> values, Duration ttl) {
        long nanos = nanos(ttl);
        values.forEach((key, value) -> expiration.put(key, value, nanos, TimeUnit.NANOSECONDS));
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> add(String key, Object value, Duration ttl) {
        return CompletableFuture.completedFuture(expiration.putIfAbsent(key, value, nanos(ttl), TimeUnit.NANOSECONDS) == null);
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return CompletableFuture.completedFuture(cache.asMap().remove(key) != null);
    }

    @Override
    public CompletableFuture<Boolean> exists(String key) {
        return CompletableFuture.completedFuture(cache.getIfPresent(key) != null);
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        long[] result = new long[1];
        try {
            cache.asMap().compute(key, (k, current) -> {
                long next = Math.addExact(counter(k, current), delta);
                result[0] = next;
                return references ? (Object) next : Long.toString(next).getBytes(StandardCharsets.US_ASCII);
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
        throw new IllegalStateException("value of key '" + key + "' is not an integer, cannot increment it");
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, Duration ttl) {
        if (cache.getIfPresent(key) == null) {
            return CompletableFuture.completedFuture(false);
        }
        expiration.setExpiresAfter(key, nanos(ttl), TimeUnit.NANOSECONDS);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Duration> ttl(String key) {
        if (cache.getIfPresent(key) == null) {
            return CompletableFuture.completedFuture(null);
        }
        Duration remaining = expiration.getExpiresAfter(key).orElse(NO_EXPIRY);
        boolean never = remaining.compareTo(Duration.ofDays(365L * 100)) > 0;
        return CompletableFuture.completedFuture(never ? NO_EXPIRY : remaining);
    }

    @Override
    public CompletableFuture<List<String>> keys(String prefix, int limit) {
        List<String> keys = new ArrayList<>();
        for (String key : cache.asMap().keySet()) {
            if (keys.size() >= limit) {
                break;
            }
            if (key.startsWith(prefix)) {
                keys.add(key);
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

    /** The number of entries, expired ones not yet cleaned up included (for tests and tools). */
    long estimatedSize() {
        return cache.estimatedSize();
    }

    @Override
    public CompletableFuture<Void> close() {
        cache.invalidateAll();
        locks.clear();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String toString() {
        return "MemoryBackend[" + cache.estimatedSize() + " entries]";
    }
}
