package io.zodiac.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One named cache: an asynchronous view over a {@link Backend}, under the key namespace
 * {@code zodiac_cache:{prefix}}. Obtained from {@link CacheManager#getCache(String)}.
 *
 * <p>Every operation returns a {@link CompletableFuture} and is bounded by the cache's operation
 * timeout ({@link CacheConfig#operationTimeout()}): a backend that does not answer fails the
 * future with {@link CacheTimeoutException}. Backend errors fail the future ({@code get},
 * {@code set}, {@code delete} and the rest report them to the caller); {@link #getOrSet} fails
 * open instead. A stored value that cannot be decoded reads as a miss.
 *
 * <p>Keys are any non-null {@code String}; the backend makes them legal for its store. A null key
 * throws {@link NullPointerException} at once. {@link #blocking()} offers the same operations
 * with plain return values.
 */
public interface ZodiacCache {

    /** The stored value, or {@code null} for a miss and for a stored null. */
    CompletableFuture<Object> get(String key);

    /** The stored value read as {@code type}; {@code null} for a miss. */
    <T> CompletableFuture<T> get(String key, Class<T> type);

    /** The stored value read as a generic type; {@code null} for a miss. */
    <T> CompletableFuture<T> get(String key, TypeRef<T> type);

    /**
     * The stored value, {@code null} for a stored null, and {@code defaultValue} for a miss: the
     * read that tells a stored null from an absent key (as {@link java.util.Map#getOrDefault}).
     */
    CompletableFuture<Object> getOrDefault(String key, Object defaultValue);

    /** Stores the value with the cache's default TTL. A null value is stored as null. */
    CompletableFuture<Boolean> set(String key, Object value);

    /**
     * Stores the value with the given TTL ({@code null}: the cache's default). A value whose
     * encoded form is over the cache's {@link CacheConfig#maxValueSize() max_value_size} fails
     * with a {@link ValueTooLargeException}, before the backend.
     */
    CompletableFuture<Boolean> set(String key, Object value, Duration ttl);

    /** Removes the key; {@code true} when it was present. */
    CompletableFuture<Boolean> delete(String key);

    /** {@code true} when the key holds a value (a stored null included). */
    CompletableFuture<Boolean> exists(String key);

    /**
     * The cached value, or the producer's value, stored on the way. On a miss only one caller
     * per key runs the producer while it holds the key's lock (in this JVM and, on a shared
     * backend, in every JVM); the others wait for its release and read what it stored. A
     * producer that fails fails every caller that waited on it, and nothing is stored.
     *
     * <p>The producer is called at most once per call: in the calling thread on a local backend,
     * on {@link java.util.concurrent.ForkJoinPool#commonPool()} on a remote one (never on a
     * backend's I/O thread). It should start its work and return a stage without blocking;
     * blocking code uses {@link BlockingCache#getOrSet(String, Supplier)}, which runs the producer
     * in the calling thread.
     *
     * @see #getOrSet(String, Supplier, GetOrSetOptions)
     */
    <T> CompletableFuture<T> getOrSet(String key, Supplier<? extends CompletionStage<T>> producer);

    /**
     * {@link #getOrSet(String, Supplier)} with a TTL, a lease, a skip predicate, a type, a null TTL
     * and refresh-ahead. A backend failure or timeout is treated as a miss: the producer runs and
     * its value is returned (the error goes to the plugins and the log).
     *
     * <p>With {@link GetOrSetOptions#refreshAfter} a hit on an entry older than it returns the
     * stored value and starts one background refresh of the key, on a refresh thread: the producer
     * runs there (another JVM holding the key's lock refreshes instead). The entry's age is the TTL
     * it was stored with (the call's, else the cache's default) less its remaining TTL, so
     * {@code refreshAfter} needs a TTL and must be shorter than it.
     *
     * @throws IllegalArgumentException when {@code refreshAfter} is set without a TTL (the call's
     *         or the cache's default) or is not shorter than it
     */
    <T> CompletableFuture<T> getOrSet(String key, Supplier<? extends CompletionStage<T>> producer,
            GetOrSetOptions<T> options);

    /**
     * {@code getOrSet} for many keys at once: one multi-read, one {@code loader} call with exactly
     * the keys that missed, one multi-write of what it returned (values with the TTL, nulls with
     * {@link GetOrSetOptions#nullTtl}). Each missed key is stampede-protected as in
     * {@link #getOrSet(String, Supplier, GetOrSetOptions)}: a key being loaded by another caller
     * (in this JVM, or another one holding its lock) is awaited and read, not loaded again. Keys
     * the loader does not return are stored as null unless {@code skipCacheIf} says otherwise.
     *
     * <p>The result maps every key given, once, in their order, to its value ({@code null} for a
     * null). The loader runs as {@code getOrSet}'s producer does, with an unmodifiable set; a key
     * still missing after waiting for another caller is loaded by a call of its own. A loader that
     * fails fails the result; a backend failure fails open (the loader runs for every key, nothing
     * is stored). {@link GetOrSetOptions#refreshAfter} does not apply here.
     */
    <T> CompletableFuture<Map<String, T>> getOrSetAll(Collection<String> keys,
            Function<Set<String>, ? extends CompletionStage<Map<String, T>>> loader, GetOrSetOptions<T> options);

    /** Stores the value only if the key is absent; {@code true} when stored. */
    CompletableFuture<Boolean> add(String key, Object value, Duration ttl);

    /**
     * The values of the keys that are present, in the order of {@code keys}; absent keys are
     * left out, a stored null maps to {@code null}.
     */
    CompletableFuture<Map<String, Object>> multiGet(Collection<String> keys);

    /**
     * Stores every value with the TTL ({@code null}: the cache's default). Every value is encoded
     * and checked against {@code max_value_size} first: one over it fails the call with a
     * {@link ValueTooLargeException} and nothing is stored.
     */
    CompletableFuture<Boolean> multiSet(Map<String, ?> values, Duration ttl);

    /** Adds {@code delta} to the integer under the key (0 when absent) and returns the result. */
    CompletableFuture<Long> increment(String key, long delta);

    /** Sets the key's TTL; {@code false} when the key is absent. */
    CompletableFuture<Boolean> expire(String key, Duration ttl);

    /**
     * The key's remaining time to live: {@code null} when absent, {@link Backend#NO_EXPIRY}
     * when it never expires.
     */
    CompletableFuture<Duration> ttl(String key);

    /** Up to {@code limit} keys of this cache that start with {@code prefix}, if the backend can list keys. */
    CompletableFuture<List<String>> keys(String prefix, int limit);

    /** Removes every key of this cache's namespace; other caches and foreign keys are untouched. */
    CompletableFuture<Boolean> clear();

    /** The key namespace, {@code zodiac_cache:{prefix}}. */
    String namespace();

    /** The cache's name. */
    String name();

    /** The cache's effective configuration. */
    CacheConfig config();

    /**
     * The number of entries the cache holds, approximately, when its backend can tell without a
     * scan: in memory, Caffeine's estimate; empty on Redis and Memcached, which do not count the
     * keys of one namespace. For metrics ({@code cache.size}), not for decisions.
     */
    default OptionalLong estimatedSize() {
        return OptionalLong.empty();
    }

    /** The same operations with plain return values, blocking the caller. */
    BlockingCache blocking();

    /**
     * Closes the backend. {@link CacheManager#shutdown(String)} calls it and deregisters the cache;
     * every later operation of this instance fails with {@link IllegalStateException}.
     */
    CompletableFuture<Void> close();
}
