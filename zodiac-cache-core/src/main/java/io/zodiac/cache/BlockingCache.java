package io.zodiac.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A blocking view of a {@link ZodiacCache}: the same operations, the same semantics, plain return
 * values. A failed operation throws its cause unwrapped when it is unchecked, and a
 * {@link ZodiacCacheException} around it otherwise.
 */
public interface BlockingCache {

    /** @see ZodiacCache#get(String) */
    Object get(String key);

    /** @see ZodiacCache#get(String, Class) */
    <T> T get(String key, Class<T> type);

    /** @see ZodiacCache#get(String, TypeRef) */
    <T> T get(String key, TypeRef<T> type);

    /** @see ZodiacCache#getOrDefault(String, Object) */
    Object getOrDefault(String key, Object defaultValue);

    /** @see ZodiacCache#set(String, Object) */
    boolean set(String key, Object value);

    /** @see ZodiacCache#set(String, Object, Duration) */
    boolean set(String key, Object value, Duration ttl);

    /** @see ZodiacCache#delete(String) */
    boolean delete(String key);

    /** @see ZodiacCache#exists(String) */
    boolean exists(String key);

    /** {@link ZodiacCache#getOrSet(String, Supplier)} with a plain producer, run in the calling thread when it can be. */
    <T> T getOrSet(String key, Supplier<T> producer);

    /** {@link ZodiacCache#getOrSet(String, Supplier, GetOrSetOptions)} with a plain producer. */
    <T> T getOrSet(String key, Supplier<T> producer, GetOrSetOptions<T> options);

    /**
     * {@link ZodiacCache#getOrSetAll} with a plain loader, run in the calling thread (a key left to
     * load on its own after waiting for another caller is loaded there too). A refresh-ahead of a
     * {@code getOrSet} with {@code refreshAfter} runs its producer on the refresh threads, since its
     * caller has returned.
     */
    <T> Map<String, T> getOrSetAll(Collection<String> keys, Function<Set<String>, Map<String, T>> loader,
            GetOrSetOptions<T> options);

    /** @see ZodiacCache#add(String, Object, Duration) */
    boolean add(String key, Object value, Duration ttl);

    /** @see ZodiacCache#multiGet(Collection) */
    Map<String, Object> multiGet(Collection<String> keys);

    /** @see ZodiacCache#multiSet(Map, Duration) */
    boolean multiSet(Map<String, ?> values, Duration ttl);

    /** @see ZodiacCache#increment(String, long) */
    long increment(String key, long delta);

    /** @see ZodiacCache#expire(String, Duration) */
    boolean expire(String key, Duration ttl);

    /** @see ZodiacCache#ttl(String) */
    Duration ttl(String key);

    /** @see ZodiacCache#keys(String, int) */
    List<String> keys(String prefix, int limit);

    /** @see ZodiacCache#clear() */
    boolean clear();

    /** The asynchronous cache behind this view. */
    ZodiacCache async();
}
