package io.zodiac.cache.internal;

import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.TypeRef;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.ZodiacCacheException;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/** The blocking view of a {@link ZodiacCache}. */
final class DefaultBlockingCache implements BlockingCache {

    private final DefaultZodiacCache cache;

    DefaultBlockingCache(DefaultZodiacCache cache) {
        this.cache = cache;
    }

    @Override
    public Object get(String key) {
        Object here = cache.getHere(key, Object.class, null);
        return here != DefaultZodiacCache.NOT_HERE ? here : join(cache.backendGet(key, Object.class, null));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(String key, Class<T> type) {
        Object here = cache.getHere(key, Objects.requireNonNull(type, "type"), null);
        return here != DefaultZodiacCache.NOT_HERE ? (T) here : join(cache.backendGet(key, type, null));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(String key, TypeRef<T> type) {
        Type generic = Objects.requireNonNull(type, "type").type();
        Object here = cache.getHere(key, generic, null);
        return here != DefaultZodiacCache.NOT_HERE ? (T) here : join(cache.backendGet(key, generic, null));
    }

    @Override
    public Object getOrDefault(String key, Object defaultValue) {
        Object here = cache.getHere(key, Object.class, defaultValue);
        return here != DefaultZodiacCache.NOT_HERE ? here : join(cache.backendGet(key, Object.class, defaultValue));
    }

    @Override
    public boolean set(String key, Object value) {
        return join(cache.set(key, value));
    }

    @Override
    public boolean set(String key, Object value, Duration ttl) {
        return join(cache.set(key, value, ttl));
    }

    @Override
    public boolean delete(String key) {
        return join(cache.delete(key));
    }

    @Override
    public boolean exists(String key) {
        return join(cache.exists(key));
    }

    @Override
    public <T> T getOrSet(String key, Supplier<T> producer) {
        return getOrSet(key, producer, GetOrSetOptions.defaults());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOrSet(String key, Supplier<T> producer, GetOrSetOptions<T> options) {
        GetOrSetOptions<T> effective = options == null ? GetOrSetOptions.defaults() : options;
        if (effective.refreshAfter() == null) { // a refresh-ahead needs the entry's age: no local fast path
            Object hit = cache.hitNow(key, effective.type());
            if (hit != DefaultZodiacCache.NOT_HERE) {
                return (T) hit;
            }
        }
        CallerRuns<T> runner = new CallerRuns<>(producer);
        try {
            return runner.await(cache.getOrSet(key, runner::request, detached(producer), effective));
        } catch (CompletionException e) {
            throw rethrow(e);
        }
    }

    /** The producer a refresh runs on a refresh thread, its caller gone: the plain supplier, its failure in the stage. */
    private static <T> Supplier<CompletionStage<T>> detached(Supplier<T> producer) {
        return () -> {
            try {
                return CompletableFuture.completedFuture(producer.get());
            } catch (RuntimeException | Error e) {
                return CompletableFuture.failedFuture(e);
            }
        };
    }

    @Override
    public <T> Map<String, T> getOrSetAll(Collection<String> keys, Function<Set<String>, Map<String, T>> loader,
            GetOrSetOptions<T> options) {
        Objects.requireNonNull(loader, "loader");
        CallerTasks tasks = new CallerTasks();
        try {
            return tasks.await(cache.getOrSetAll(keys, wanted -> tasks.run(() -> loader.apply(wanted)), options));
        } catch (CompletionException e) {
            throw rethrow(e);
        }
    }

    @Override
    public boolean add(String key, Object value, Duration ttl) {
        return join(cache.add(key, value, ttl));
    }

    @Override
    public Map<String, Object> multiGet(Collection<String> keys) {
        return join(cache.multiGet(keys));
    }

    @Override
    public boolean multiSet(Map<String, ?> values, Duration ttl) {
        return join(cache.multiSet(values, ttl));
    }

    @Override
    public long increment(String key, long delta) {
        return join(cache.increment(key, delta));
    }

    @Override
    public boolean expire(String key, Duration ttl) {
        return join(cache.expire(key, ttl));
    }

    @Override
    public Duration ttl(String key) {
        return join(cache.ttl(key));
    }

    @Override
    public List<String> keys(String prefix, int limit) {
        return join(cache.keys(prefix, limit));
    }

    @Override
    public boolean clear() {
        return join(cache.clear());
    }

    @Override
    public ZodiacCache async() {
        return cache;
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw rethrow(e);
        }
    }

    /** The cause itself when unchecked, else wrapped: callers see what the backend or producer threw. */
    private static RuntimeException rethrow(CompletionException e) {
        Throwable cause = BackendCalls.unwrap(e);
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new ZodiacCacheException(cause.toString(), cause);
    }
}
